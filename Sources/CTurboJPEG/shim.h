// libjpeg-turbo's TurboJPEG API (Debian libturbojpeg0-dev): plain return codes, no setjmp.
#include <stddef.h>
#include <turbojpeg.h>
