drivers/gpu/drm/alpha/alpha.o
