package main

/*
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
static int add(int a, int b) { return a + b; }
static char *dup_upper(const char *s) {
	char *r = strdup(s);
	for (char *p = r; *p; p++) if (*p >= 'a' && *p <= 'z') *p -= 32;
	return r;
}
static void *thread_main(void *arg) { *(int *)arg *= 7; return 0; }
static int in_thread(int v) {
	pthread_t t;
	pthread_create(&t, 0, thread_main, &v);
	pthread_join(t, 0);
	return v;
}
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

func main() {
	fmt.Println("C add:", C.add(2, 3))
	cs := C.CString("hello from go")
	up := C.dup_upper(cs)
	fmt.Println("C strdup + upper:", C.GoString(up))
	C.free(unsafe.Pointer(cs))
	C.free(unsafe.Pointer(up))
	fmt.Println("C thread:", C.in_thread(6))
	var wg sync.WaitGroup
	sums := make([]int, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) { defer wg.Done(); sums[i] = int(C.add(C.int(i), 10)) }(i)
	}
	wg.Wait()
	fmt.Println("C calls from goroutines:", sums)
}
