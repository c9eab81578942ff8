#ifndef CPNGWRITE_H
#define CPNGWRITE_H

#include <stddef.h>

/// Writes an 8-bit RGBA image as PNG with tEXt chunks (keys[i] = values[i]),
/// using libpng's classic API; libpng's setjmp error handling stays inside C.
/// No timestamp is written, so the same pixels give the same bytes.
/// Returns 0 on success; otherwise -1 with a message in errbuf.
int tx_png_write_rgba(const char *path, const unsigned char *rgba, int width, int height, int stride,
                      const char *const *keys, const char *const *values, int count,
                      char *errbuf, int errlen);

/// Like tx_png_write_rgba, into memory: *out is malloc'ed (free with tx_png_free).
int tx_png_encode_rgba(const unsigned char *rgba, int width, int height, int stride,
                       const char *const *keys, const char *const *values, int count,
                       unsigned char **out, size_t *outlen, char *errbuf, int errlen);

/// Like tx_png_write_rgba, from an opaque image in Cairo's ARGB32 layout
/// (a native-endian 32-bit word per pixel, alpha 255), written as 8-bit RGB.
int tx_png_write_argb32(const char *path, const unsigned char *argb, int width, int height, int stride,
                        const char *const *keys, const char *const *values, int count,
                        char *errbuf, int errlen);

/// Like tx_png_write_argb32, into memory: *out is malloc'ed (free with tx_png_free).
int tx_png_encode_argb32(const unsigned char *argb, int width, int height, int stride,
                         const char *const *keys, const char *const *values, int count,
                         unsigned char **out, size_t *outlen, char *errbuf, int errlen);

/// Reads a PNG as 8-bit RGBA (libpng's simplified API). On success returns 0 and
/// sets *buffer to malloc'ed width*height*4 bytes (free with tx_png_free).
int tx_png_read_rgba(const char *path, int *width, int *height, unsigned char **buffer);

void tx_png_free(unsigned char *buffer);

#endif
