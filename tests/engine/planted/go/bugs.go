package store

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
)

type Cache struct {
	mu    sync.Mutex
	items map[string][]byte
}

// Size copies the lock along with the cache.
func (c Cache) Size() int { // expect: oc-go:lock-copied-by-value-receiver
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

func readHeader(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 16)
	f.Read(buf) // expect: oc-go:unchecked-error
	return buf, nil
}

func fetch(url string) ([]byte, error) {
	resp, err := http.Get(url)
	defer resp.Body.Close() // expect: oc-go:defer-close-before-error-check
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

func report(name string, count int) {
	fmt.Printf("%d entries in %s\n", name, count) // missed: Printf verbs do not match the argument types
}

func loadAll(paths []string) error {
	var err error
	for _, p := range paths {
		data, err := readHeader(p) // expect: oc-go:shadowed-err
		if err != nil {
			break
		}
		fmt.Println(len(data))
	}
	return err
}

func closeAll(paths []string) error {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close() // expect: oc-go:defer-in-loop
	}
	return nil
}

func sameVersion(a, b string) bool {
	return a == a // expect: oc-go:self-comparison
}

func parse(text string) (int, error) {
	n, err := fmt.Sscanf(text, "%d", new(int))
	if err != nil { // expect: oc-go:error-swallowed-return-nil
		return 0, nil
	}
	return n, nil
}

func warm(keys []string, c *Cache) {
	var wg sync.WaitGroup
	for _, k := range keys {
		go func(key string) {
			wg.Add(1) // expect: oc-go:waitgroup-add-in-goroutine
			defer wg.Done()
			c.mu.Lock()
			c.items[key] = nil
			c.mu.Unlock()
		}(k)
	}
	wg.Wait()
}

func validate(v int) error {
	if v < 0 {
		return errors.New("negative")
		fmt.Println("unreachable") // expect: oc-go:unreachable-code
	}
	return nil
}
