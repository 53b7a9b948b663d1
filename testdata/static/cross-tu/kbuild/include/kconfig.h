/* Forced into every TU with `-include ./include/kconfig.h`, as kbuild does:
 * the path is relative to the command's directory. */
#define CONFIG_DRM_CORE 1
