// cflags: -O3 -march=x86-64-v3
// SSE/AVX-heavy: single-precision matrix multiply, a saxpy loop and a dot
// product, auto-vectorised by gcc for x86-64-v3 (AVX2 and FMA); the checksum
// is printed so that native, qemu and xos outputs can be compared.
#include <stdio.h>

#define N 192
static float a[N][N], b[N][N], c[N][N];
static float x[1 << 16], y[1 << 16];

int main(void) {
  unsigned s = 12345;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      s = s * 1103515245u + 12345u;
      a[i][j] = (float)(s >> 16 & 0xff) / 64.0f - 2.0f;
      s = s * 1103515245u + 12345u;
      b[i][j] = (float)(s >> 16 & 0xff) / 64.0f - 2.0f;
    }
  for (int i = 0; i < (1 << 16); i++) { x[i] = (float)(i % 97) * 0.5f; y[i] = (float)(i % 89) * 0.25f; }
  double check = 0;
  for (int rep = 0; rep < 8; rep++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) c[i][j] = 0;
    for (int i = 0; i < N; i++)
      for (int k = 0; k < N; k++) {
        float aik = a[i][k];
        for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
      }
    for (int i = 0; i < N; i++) check += c[i][i % N] + c[N - 1 - i][i];
    for (int r = 0; r < 40; r++) {
      float alpha = 0.001f * (float)(r + 1);
      for (int i = 0; i < (1 << 16); i++) y[i] = alpha * x[i] + y[i];
    }
    float dot = 0;
    for (int i = 0; i < (1 << 16); i++) dot += x[i] * y[i];
    check += dot * 1e-6;
  }
  printf("%.6e\n", check);
  return 0;
}
