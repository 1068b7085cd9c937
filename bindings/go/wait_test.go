package wxface_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	wxface "github.com/wxface/wxface/bindings/go"
)

// startV2 starts a 2.0 verification and returns its out_seq_no with it.
func startV2(t *testing.T, client *wxface.Client) (*wxface.VerifyID, string) {
	t.Helper()
	seq, err := wxface.OutSeqNoNew()
	if err != nil {
		t.Fatal(err)
	}
	vid, err := client.V2GetVerifyID(seq, "o_go_wait_user_0000000000001", zhangName, zhangID)
	if err != nil {
		t.Fatal(err)
	}
	return vid, seq
}

func TestV2WaitEndsPendingAtTheContextDeadline(t *testing.T) {
	client := newClient(t, fastConfig())
	vid, seq := startV2(t, client)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	started := time.Now()
	_, err := client.V2Wait(ctx, vid.VerifyID, seq, "o_go_wait_user_0000000000001", vid.CertHash)
	took := time.Since(started)
	if !errors.Is(err, wxface.ErrPending) {
		t.Fatalf("got %v, want ErrPending", err)
	}
	if took > 500*time.Millisecond+100*time.Millisecond {
		t.Fatalf("waited %v for a 500 ms deadline", took)
	}
}

func TestV2WaitEndsAtOnceWhenTheContextIsCancelled(t *testing.T) {
	cfg := sandboxConfig()
	cfg.WaitInterval = time.Second
	client := newClient(t, cfg)
	vid, seq := startV2(t, client)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	started := time.Now()
	_, err := client.V2Wait(ctx, vid.VerifyID, seq, "o_go_wait_user_0000000000001", vid.CertHash)
	if !errors.Is(err, wxface.ErrPending) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want ErrPending matching context.Canceled", err)
	}
	if took := time.Since(started); took > 2*time.Second {
		t.Fatalf("a cancelled wait took %v", took)
	}
}

func TestV2WaitReturnsThePassAfterTheCheckingPhase(t *testing.T) {
	client := newClient(t, fastConfig())
	vid, seq := startV2(t, client)
	control(t, "POST", "/sandbox/v2/complete", map[string]any{"verify_id": vid.VerifyID, "checking_queries": 2})
	res, err := client.V2Wait(context.Background(), vid.VerifyID, seq, "o_go_wait_user_0000000000001", vid.CertHash)
	if err != nil || res.VerifyRet != 10000 {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestOutSeqNoNewIsValidOrderedAndUniqueAcrossGoroutines(t *testing.T) {
	const goroutines, each = 8, 500
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prev := ""
			for i := 0; i < each; i++ {
				seq, err := wxface.OutSeqNoNew()
				if err != nil || len(seq) != 32 || seq <= prev {
					t.Errorf("OutSeqNoNew: %q after %q, %v", seq, prev, err)
					return
				}
				prev = seq
				mu.Lock()
				seen[seq] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != goroutines*each {
		t.Fatalf("%d distinct values of %d", len(seen), goroutines*each)
	}
}
