package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"
)

func main() {
	// goroutines and channels
	ch := make(chan int)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(n int) { defer wg.Done(); ch <- n * n }(i)
	}
	go func() { wg.Wait(); close(ch) }()
	var got []int
	for v := range ch {
		got = append(got, v)
	}
	sort.Ints(got)
	fmt.Println("squares:", got)

	// timers
	start := time.Now()
	t := time.NewTimer(50 * time.Millisecond)
	<-t.C
	fmt.Println("timer fired after >= 50ms:", time.Since(start) >= 50*time.Millisecond)
	tick := time.NewTicker(10 * time.Millisecond)
	n := 0
	for range tick.C {
		n++
		if n == 3 {
			tick.Stop()
			break
		}
	}
	fmt.Println("ticks:", n)

	// garbage collection
	var keep [][]byte
	for i := 0; i < 200; i++ {
		keep = append(keep, make([]byte, 64<<10))
		if len(keep) > 20 {
			keep = keep[1:]
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("GC ran:", ms.NumGC > 0)

	// preemption: a loop without function calls must not starve the others (GOMAXPROCS 1:
	// only the runtime's signal-based preemption lets main run again)
	runtime.GOMAXPROCS(1)
	spin := 0
	go func() {
		for {
			spin++
		}
	}()
	time.Sleep(30 * time.Millisecond)
	fmt.Println("main ran while a goroutine spun")
	host, _ := os.Hostname()
	fmt.Println("hostname set:", host != "")
	fmt.Println("NumCPU >= 1:", runtime.NumCPU() >= 1)
}
