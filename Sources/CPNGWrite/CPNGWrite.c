#include "CPNGWrite.h"
#include <png.h>
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tx_png_error { char *buf; int len; };

/* zlib level 2 without row filters: figures are mostly flat colour, where
 * filtering makes the data harder to compress. Measured on an 800x800
 * 20,000-point scatter: 12 ms and 238 kB, against 46 ms and 344 kB for
 * level 6 with libpng's adaptive filters (bench/README.md). */
#ifndef TX_PNG_LEVEL
#define TX_PNG_LEVEL 2
#endif
#ifndef TX_PNG_FILTERS
#define TX_PNG_FILTERS PNG_FILTER_NONE
#endif

static void tx_png_on_error(png_structp png, png_const_charp msg) {
    struct tx_png_error *e = (struct tx_png_error *)png_get_error_ptr(png);
    if (e && e->buf && e->len > 0) snprintf(e->buf, (size_t)e->len, "%s", msg);
    png_longjmp(png, 1);
}

static void tx_png_on_warning(png_structp png, png_const_charp msg) { (void)png; (void)msg; }

struct tx_png_memory { unsigned char *data; size_t size, capacity; int failed; };

static void tx_png_memory_write(png_structp png, png_bytep bytes, png_size_t n) {
    struct tx_png_memory *m = (struct tx_png_memory *)png_get_io_ptr(png);
    if (m->size + n > m->capacity) {
        size_t cap = m->capacity ? m->capacity : 65536;
        while (cap < m->size + n) cap *= 2;
        unsigned char *p = (unsigned char *)realloc(m->data, cap);
        if (!p) png_error(png, "out of memory");
        m->data = p;
        m->capacity = cap;
    }
    memcpy(m->data + m->size, bytes, n);
    m->size += n;
}

static void tx_png_memory_flush(png_structp png) { (void)png; }

/* Encodes with libpng's classic API, to a FILE (f) or to memory (mem). */
/* Pixel layouts the encoder takes. */
enum { TX_RGBA = 0, TX_OPAQUE_ARGB32 = 1 };

static int tx_png_encode(FILE *f, struct tx_png_memory *mem, const unsigned char *rgba, int format, int width,
                         int height, int stride, const char *const *keys, const char *const *values, int count,
                         char *errbuf, int errlen) {
    if (errbuf && errlen > 0) errbuf[0] = 0;
    if (width <= 0 || height <= 0 || stride < width * 4) {
        if (errbuf) snprintf(errbuf, (size_t)errlen, "bad image size %dx%d", width, height);
        return -1;
    }
    struct tx_png_error err = { errbuf, errlen };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &err, tx_png_on_error, tx_png_on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_textp volatile text = NULL;
    if (!png || !info) {
        if (errbuf) snprintf(errbuf, (size_t)errlen, "out of memory");
        if (png) png_destroy_write_struct(&png, NULL);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(text);
        return -1;
    }
    if (f) png_init_io(png, f);
    else png_set_write_fn(png, mem, tx_png_memory_write, tx_png_memory_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
                 format == TX_OPAQUE_ARGB32 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, TX_PNG_LEVEL);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, TX_PNG_FILTERS);
    if (count > 0) {
        text = (png_textp)calloc((size_t)count, sizeof(png_text));
        if (!text) png_error(png, "out of memory");
        for (int i = 0; i < count; i++) {
            text[i].compression = PNG_TEXT_COMPRESSION_NONE;
            text[i].key = (png_charp)keys[i];
            text[i].text = (png_charp)values[i];
            text[i].text_length = strlen(values[i]);
        }
        png_set_text(png, info, text, count);
    }
    png_write_info(png, info);
    if (format == TX_OPAQUE_ARGB32) {
        /* Cairo's ARGB32 is a native-endian word: B,G,R,A bytes on little-endian machines. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        png_set_bgr(png);
        png_set_filler(png, 0, PNG_FILLER_AFTER);
#else
        png_set_filler(png, 0, PNG_FILLER_BEFORE);
#endif
    }
    for (int y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(rgba + (size_t)y * (size_t)stride));
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(text);
    return 0;
}

static int tx_png_write(const char *path, const unsigned char *rgba, int format, int width, int height, int stride,
                        const char *const *keys, const char *const *values, int count,
                        char *errbuf, int errlen) {
    if (errbuf && errlen > 0) errbuf[0] = 0;
    FILE *f = fopen(path, "wb");
    if (!f) {
        if (errbuf) snprintf(errbuf, (size_t)errlen, "%s", strerror(errno));
        return -1;
    }
    if (tx_png_encode(f, NULL, rgba, format, width, height, stride, keys, values, count, errbuf, errlen) != 0) {
        fclose(f);
        return -1;
    }
    if (fflush(f) != 0 || ferror(f)) {
        if (errbuf) snprintf(errbuf, (size_t)errlen, "%s", strerror(errno));
        fclose(f);
        return -1;
    }
    if (fclose(f) != 0) {
        if (errbuf) snprintf(errbuf, (size_t)errlen, "%s", strerror(errno));
        return -1;
    }
    return 0;
}

static int tx_png_encode_memory(const unsigned char *rgba, int format, int width, int height, int stride,
                                const char *const *keys, const char *const *values, int count,
                                unsigned char **out, size_t *outlen, char *errbuf, int errlen) {
    struct tx_png_memory mem = { NULL, 0, 0, 0 };
    if (tx_png_encode(NULL, &mem, rgba, format, width, height, stride, keys, values, count, errbuf, errlen) != 0) {
        free(mem.data);
        return -1;
    }
    *out = mem.data;
    *outlen = mem.size;
    return 0;
}

int tx_png_write_rgba(const char *path, const unsigned char *rgba, int width, int height, int stride,
                      const char *const *keys, const char *const *values, int count, char *errbuf, int errlen) {
    return tx_png_write(path, rgba, TX_RGBA, width, height, stride, keys, values, count, errbuf, errlen);
}

int tx_png_encode_rgba(const unsigned char *rgba, int width, int height, int stride,
                       const char *const *keys, const char *const *values, int count,
                       unsigned char **out, size_t *outlen, char *errbuf, int errlen) {
    return tx_png_encode_memory(rgba, TX_RGBA, width, height, stride, keys, values, count, out, outlen, errbuf, errlen);
}

int tx_png_write_argb32(const char *path, const unsigned char *argb, int width, int height, int stride,
                        const char *const *keys, const char *const *values, int count, char *errbuf, int errlen) {
    return tx_png_write(path, argb, TX_OPAQUE_ARGB32, width, height, stride, keys, values, count, errbuf, errlen);
}

int tx_png_encode_argb32(const unsigned char *argb, int width, int height, int stride,
                         const char *const *keys, const char *const *values, int count,
                         unsigned char **out, size_t *outlen, char *errbuf, int errlen) {
    return tx_png_encode_memory(argb, TX_OPAQUE_ARGB32, width, height, stride, keys, values, count, out, outlen,
                                errbuf, errlen);
}

int tx_png_read_rgba(const char *path, int *width, int *height, unsigned char **buffer) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path)) return -1;
    image.format = PNG_FORMAT_RGBA;
    size_t size = PNG_IMAGE_SIZE(image);
    unsigned char *buf = (unsigned char *)malloc(size);
    if (!buf) { png_image_free(&image); return -1; }
    if (!png_image_finish_read(&image, NULL, buf, 0, NULL)) { free(buf); png_image_free(&image); return -1; }
    *width = (int)image.width;
    *height = (int)image.height;
    *buffer = buf;
    return 0;
}

void tx_png_free(unsigned char *buffer) { free(buffer); }
