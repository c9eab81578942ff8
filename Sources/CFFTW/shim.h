// FFTW 3, single precision (libfftw3f), for t-SNE's interpolation-based repulsion.
#include <fftw3.h>
