package store

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
)

// ErrEmpty is returned when a source has no data.
var ErrEmpty = errors.New("empty source")

type Registry struct {
	mu    sync.Mutex
	items map[string][]byte
}

func (r *Registry) Size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.items)
}

func readPrefix(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	buf := make([]byte, 16)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if n == 0 {
		return nil, ErrEmpty
	}
	return buf[:n], nil
}

func download(client *http.Client, url string) ([]byte, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get %s: status %d", url, resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}

func summary(name string, count int) string {
	return fmt.Sprintf("%d entries in %s", count, name)
}

func readAll(paths []string) ([][]byte, error) {
	out := make([][]byte, 0, len(paths))
	for _, p := range paths {
		data, err := readPrefix(p)
		if err != nil {
			return nil, err
		}
		out = append(out, data)
	}
	return out, nil
}

func (r *Registry) Warm(keys []string) {
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func(key string) {
			defer wg.Done()
			r.mu.Lock()
			r.items[key] = nil
			r.mu.Unlock()
		}(k)
	}
	wg.Wait()
}

func check(v int) error {
	if v < 0 {
		return fmt.Errorf("value %d is negative", v)
	}
	return nil
}
