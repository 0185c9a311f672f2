// Built by `go build` running under xos (runtimes.test.ts): the compiler and linker run as guest
// programs; the result runs natively.
package main

import "fmt"

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func main() {
	fmt.Printf("built under xos, fib(%d) = %d\n", 20, fib(20))
}
