package wxface_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	wxface "github.com/wxface/wxface/bindings/go"
)

// table is a database table with a primary key, in miniature.
type table struct {
	mu   sync.Mutex
	rows map[string]time.Duration
}

func (tb *table) remember(key string, ttl time.Duration) (bool, error) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if _, seen := tb.rows[key]; seen {
		return false, nil
	}
	tb.rows[key] = ttl
	return true, nil
}

func freshResult(t *testing.T) string {
	t.Helper()
	r := control(t, "POST", "/sandbox/v1/complete", map[string]any{"name": zhangName, "id_card_number": zhangID})
	vr, _ := r["verify_result"].(string)
	if vr == "" {
		t.Fatalf("no verify_result from the sandbox")
	}
	return vr
}

func TestTwoClientsSharingAReplayStoreAcceptAResultOnce(t *testing.T) {
	tb := &table{rows: map[string]time.Duration{}}
	cfg := sandboxConfig()
	cfg.ReplayStore = tb.remember
	a, b := newClient(t, cfg), newClient(t, cfg)
	vr := freshResult(t)
	expected := wxface.Expected{Name: zhangName, IDCardNumber: zhangID}
	if _, err := a.V1Verify(vr, expected); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if _, err := b.V1Verify(vr, expected); !errors.Is(err, wxface.ErrReplayed) {
		t.Fatalf("second client: %v, want ErrReplayed", err)
	}
	for key, ttl := range tb.rows {
		if !strings.HasPrefix(key, "wxface:{"+sandboxAppID+"}:r:") || strings.Contains(key, vr) || ttl != 900*time.Second {
			t.Fatalf("key %q (ttl %v): want a digest under the prefix, remembered 900 s", key, ttl)
		}
	}
}

func TestSixteenGoroutinesOfferingOneResultGetOnePass(t *testing.T) {
	tb := &table{rows: map[string]time.Duration{}}
	cfg := sandboxConfig()
	cfg.ReplayStore = tb.remember
	client := newClient(t, cfg)
	vr := freshResult(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	outcomes := map[string]int{}
	start := make(chan struct{})
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := client.V1Verify(vr, wxface.Expected{Name: zhangName, IDCardNumber: zhangID})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				outcomes["ok"]++
			case errors.Is(err, wxface.ErrReplayed):
				outcomes["replayed"]++
			default:
				outcomes[err.Error()]++
			}
		}()
	}
	close(start)
	wg.Wait()
	if outcomes["ok"] != 1 || outcomes["replayed"] != 15 {
		t.Fatalf("outcomes %v, want 1 ok and 15 replayed", outcomes)
	}
}

func TestAFailingReplayStoreFailsClosedWithErrStateStore(t *testing.T) {
	stores := map[string]wxface.ReplayStore{
		"error": func(string, time.Duration) (bool, error) { return false, errors.New("database down") },
		"panic": func(string, time.Duration) (bool, error) { panic("store bug") },
	}
	for name, store := range stores {
		t.Run(name, func(t *testing.T) {
			cfg := sandboxConfig()
			cfg.ReplayStore = store
			client := newClient(t, cfg)
			_, err := client.V1Verify(freshResult(t), wxface.Expected{Name: zhangName, IDCardNumber: zhangID})
			if !errors.Is(err, wxface.ErrStateStore) {
				t.Fatalf("%v, want ErrStateStore", err)
			}
		})
	}
}
