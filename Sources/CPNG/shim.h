// libpng's simplified png_image_* API (Swift cannot use libpng's setjmp errors).
#include <png.h>
