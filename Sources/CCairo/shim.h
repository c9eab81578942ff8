// Cairo 2-D graphics (Debian libcairo2-dev): figures are drawn on an image surface.
#include <cairo.h>
