// zlib (Debian zlib1g-dev), for reading gzip-compressed IDX files. (Not named CZlib:
// ZIPFoundation already defines a module of that name.)
#include <zlib.h>
