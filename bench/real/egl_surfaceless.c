/* A small OpenGL ES program for bench/real_gpu_stack.sh: Mesa's llvmpipe
 * through EGL on the surfaceless platform (EGL_MESA_platform_surfaceless),
 * no display needed. Two threads, each with its own context, draw frames
 * into a framebuffer object and keep two frames in flight with GL fences
 * (glFenceSync, glClientWaitSync on the frame two back); every 16th frame
 * they also wait through EGL_KHR_fence_sync, and read a pixel back.
 *
 *   usage: egl_surfaceless [FRAMES]   default 200
 *
 * Prints "frames=N seconds=S" and exits 0; 77 when EGL or its surfaceless
 * platform is missing (skipped), 1 on another failure.
 */
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES3/gl3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static EGLDisplay dpy;
static EGLConfig config;
static long frames = 200;
static PFNEGLCREATESYNCKHRPROC create_sync;
static PFNEGLCLIENTWAITSYNCKHRPROC client_wait_sync;
static PFNEGLDESTROYSYNCKHRPROC destroy_sync;

static void die(const char *what, int status) {
  fprintf(stderr, "egl_surfaceless: %s (EGL error 0x%x, GL error 0x%x)\n", what, eglGetError(),
          glGetError());
  exit(status);
}

static const char *vs = "#version 300 es\n"
                        "in vec2 p; uniform float t;\n"
                        "void main() { gl_Position = vec4(p * (0.5 + 0.5 * sin(t)), 0.0, 1.0); }\n";
static const char *fs = "#version 300 es\nprecision mediump float; out vec4 c; uniform float t;\n"
                        "void main() { c = vec4(fract(t), 0.5, 0.25, 1.0); }\n";

static GLuint shader(GLenum type, const char *src) {
  GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &src, NULL);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok)
    die("shader compile", 1);
  return s;
}

static void *draw(void *arg) {
  static const EGLint ctx_attrs[] = {EGL_CONTEXT_CLIENT_VERSION, 3, EGL_NONE};
  EGLContext ctx = eglCreateContext(dpy, config, EGL_NO_CONTEXT, ctx_attrs);
  if (ctx == EGL_NO_CONTEXT || !eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx))
    die("context", 1);
  GLuint fb, rb;
  glGenFramebuffers(1, &fb);
  glGenRenderbuffers(1, &rb);
  glBindRenderbuffer(GL_RENDERBUFFER, rb);
  glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, 256, 256);
  glBindFramebuffer(GL_FRAMEBUFFER, fb);
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, rb);
  if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
    die("framebuffer", 1);
  GLuint prog = glCreateProgram();
  glAttachShader(prog, shader(GL_VERTEX_SHADER, vs));
  glAttachShader(prog, shader(GL_FRAGMENT_SHADER, fs));
  glBindAttribLocation(prog, 0, "p");
  glLinkProgram(prog);
  glUseProgram(prog);
  GLint t = glGetUniformLocation(prog, "t");
  static const GLfloat tri[] = {-1, -1, 1, -1, 0, 1};
  GLuint vbo;
  glGenBuffers(1, &vbo);
  glBindBuffer(GL_ARRAY_BUFFER, vbo);
  glBufferData(GL_ARRAY_BUFFER, sizeof tri, tri, GL_STATIC_DRAW);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, 0);
  glEnableVertexAttribArray(0);
  glViewport(0, 0, 256, 256);

  GLsync inflight[2] = {0, 0};
  for (long k = 0; k < frames; ++k) {
    glClearColor(0.1f, 0.2f, 0.3f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    glUniform1f(t, (float)k * 0.1f);
    glDrawArrays(GL_TRIANGLES, 0, 3);
    GLsync old = inflight[k & 1];
    if (old) {
      glClientWaitSync(old, GL_SYNC_FLUSH_COMMANDS_BIT, 5000000000ull);
      glDeleteSync(old);
    }
    inflight[k & 1] = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
    glFlush();
    if (k % 16 == 15) {
      EGLSyncKHR s = create_sync(dpy, EGL_SYNC_FENCE_KHR, NULL);
      if (s == EGL_NO_SYNC_KHR)
        die("eglCreateSyncKHR", 1);
      client_wait_sync(dpy, s, EGL_SYNC_FLUSH_COMMANDS_BIT_KHR, EGL_FOREVER_KHR);
      destroy_sync(dpy, s);
      unsigned char px[4];
      glReadPixels(128, 128, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
    }
  }
  for (int i = 0; i < 2; ++i)
    if (inflight[i]) {
      glClientWaitSync(inflight[i], GL_SYNC_FLUSH_COMMANDS_BIT, 5000000000ull);
      glDeleteSync(inflight[i]);
    }
  glFinish();
  eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
  eglDestroyContext(dpy, ctx);
  return arg;
}

int main(int argc, char **argv) {
  if (argc > 1)
    frames = atol(argv[1]);
  const char *exts = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
  if (!exts || !strstr(exts, "EGL_MESA_platform_surfaceless")) {
    fprintf(stderr, "egl_surfaceless: no EGL_MESA_platform_surfaceless\n");
    return 77;
  }
  PFNEGLGETPLATFORMDISPLAYEXTPROC get_display =
      (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
  dpy = get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
  EGLint major, minor;
  if (dpy == EGL_NO_DISPLAY || !eglInitialize(dpy, &major, &minor))
    die("eglInitialize (surfaceless)", 77);
  create_sync = (PFNEGLCREATESYNCKHRPROC)eglGetProcAddress("eglCreateSyncKHR");
  client_wait_sync = (PFNEGLCLIENTWAITSYNCKHRPROC)eglGetProcAddress("eglClientWaitSyncKHR");
  destroy_sync = (PFNEGLDESTROYSYNCKHRPROC)eglGetProcAddress("eglDestroySyncKHR");
  if (!create_sync || !client_wait_sync || !destroy_sync)
    die("EGL_KHR_fence_sync", 77);
  eglBindAPI(EGL_OPENGL_ES_API);
  static const EGLint attrs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_ES3_BIT, EGL_SURFACE_TYPE, 0,
                                 EGL_NONE};
  EGLint n = 0;
  if (!eglChooseConfig(dpy, attrs, &config, 1, &n) || n == 0)
    die("eglChooseConfig", 1);
  fprintf(stderr, "egl_surfaceless: EGL %d.%d, %s\n", major, minor,
          eglQueryString(dpy, EGL_VENDOR));

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pthread_t th[2];
  for (int i = 0; i < 2; ++i)
    pthread_create(&th[i], NULL, draw, NULL);
  for (int i = 0; i < 2; ++i)
    pthread_join(th[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  eglTerminate(dpy);
  printf("frames=%ld seconds=%.6f\n", frames,
         (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
  return 0;
}
