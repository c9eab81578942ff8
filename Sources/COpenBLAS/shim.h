// OpenBLAS's CBLAS, plus the LAPACK routines tx calls (Fortran ABI, declared
// here so no LAPACKE package is needed: Debian's libopenblas carries LAPACK).
#include <cblas.h>

void sgesdd_(const char *jobz, const int *m, const int *n, float *a, const int *lda,
             float *s, float *u, const int *ldu, float *vt, const int *ldvt,
             float *work, const int *lwork, int *iwork, int *info);
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info);
void sgesv_(const int *n, const int *nrhs, float *a, const int *lda, int *ipiv,
            float *b, const int *ldb, int *info);
void sgetrf_(const int *m, const int *n, float *a, const int *lda, int *ipiv, int *info);
void sgetri_(const int *n, float *a, const int *lda, const int *ipiv,
             float *work, const int *lwork, int *info);
