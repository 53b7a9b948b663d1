drivers/gpu/drm/beta/beta.o
