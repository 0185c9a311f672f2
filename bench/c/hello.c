// Start-up: a static hello world.
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
