#include <stdio.h>
int square(int x) { return x * x; }
int main(void) { int s = 0; for (int i = 1; i <= 3; i++) s += square(i); printf("sum %d\n", s); return 0; }
