package wxface_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	wxface "github.com/wxface/wxface/bindings/go"
)

const getUserIDKeyPath = "/cityservice/face/identify/getuseridkey"

func TestInvalidatedTokenIsRefreshedOnce(t *testing.T) {
	client := newClient(t, sandboxConfig())
	if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
		t.Fatalf("first call: %v", err)
	}
	before := stat(t, "token_fetches")
	control(t, "POST", "/sandbox/token/invalidate", nil)
	if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
		t.Fatalf("call after the token was invalidated: %v", err)
	}
	if fetched := stat(t, "token_fetches") - before; fetched != 1 {
		t.Fatalf("%d token fetches after invalidation, want exactly 1", fetched)
	}
}

// sandboxToken fetches a token from the sandbox as a central token server
// would, for the TokenProvider tests.
func sandboxToken() (string, time.Duration, error) {
	r, err := controlErr("POST", "/cgi-bin/stable_token", map[string]any{
		"grant_type": "client_credential", "appid": sandboxAppID, "secret": sandboxSecret, "force_refresh": false,
	})
	if err != nil {
		return "", 0, err
	}
	token, _ := r["access_token"].(string)
	ttl, _ := r["expires_in"].(float64)
	if token == "" {
		return "", 0, fmt.Errorf("no access_token in %v", r)
	}
	return token, time.Duration(ttl) * time.Second, nil
}

func TestTokenProviderIsAskedAgainWithTheRejectedToken(t *testing.T) {
	var mu sync.Mutex
	var stales []string
	var issued []string
	cfg := wxface.Config{APIBase: apiBase, Proxy: "none", TokenProvider: func(stale string) (string, time.Duration, error) {
		token, ttl, err := sandboxToken()
		mu.Lock()
		defer mu.Unlock()
		stales = append(stales, stale)
		issued = append(issued, token)
		return token, ttl, err
	}}
	client := newClient(t, cfg)
	if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
		t.Fatalf("call with a provided token: %v", err)
	}
	control(t, "POST", "/sandbox/token/invalidate", nil)
	if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
		t.Fatalf("call after invalidation: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(stales) != 2 || stales[0] != "" || stales[1] != issued[0] || issued[1] == issued[0] {
		t.Fatalf("%d provider calls (stale given: %v); want a first call with none and a second with the rejected token", len(stales), staleGiven(stales, issued))
	}
}

func TestFailingTokenProviderFailsTheCallWithoutCrashing(t *testing.T) {
	providers := map[string]wxface.TokenProvider{
		"error":    func(string) (string, time.Duration, error) { return "", 0, errors.New("token server down") },
		"panic":    func(string) (string, time.Duration, error) { panic("provider bug") },
		"empty":    func(string) (string, time.Duration, error) { return "", time.Hour, nil },
		"NUL byte": func(string) (string, time.Duration, error) { return "ab\x00cd", time.Hour, nil },
		"too long": func(string) (string, time.Duration, error) { return strings.Repeat("t", 5000), time.Hour, nil },
	}
	for name, p := range providers {
		t.Run(name, func(t *testing.T) {
			client := newClient(t, wxface.Config{APIBase: apiBase, Proxy: "none", TokenProvider: p})
			_, err := client.V1GetUserIDKey(zhangName, zhangID, "")
			wantCode(t, err, wxface.CodeAccessToken)
		})
	}
}

// logLines collects a Logger's lines from any goroutine.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) log(level wxface.Level, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, level.String()+" "+msg)
}

func TestLoggerGetsLinesWithoutPersonalData(t *testing.T) {
	var got logLines
	cfg := sandboxConfig()
	cfg.Logger = got.log
	cfg.LogLevel = wxface.LevelTrace
	client := newClient(t, cfg)
	key, err := client.V1GetUserIDKey(zhangName, zhangID, "")
	if err != nil {
		t.Fatal(err)
	}
	verifyResult, openID := completeV1(t, key.UserIDKey, nil)
	if _, err := client.V1Verify(verifyResult, wxface.Expected{Name: zhangName, IDCardNumber: zhangID, UserIDKey: key.UserIDKey, OpenID: openID}); err != nil {
		t.Fatal(err)
	}
	got.mu.Lock()
	defer got.mu.Unlock()
	if len(got.lines) == 0 {
		t.Fatal("no log lines at trace level")
	}
	for _, line := range got.lines {
		for _, secret := range []string{zhangName, zhangID, sandboxSecret, verifyResult} {
			if strings.Contains(line, secret) {
				t.Fatalf("log line holds personal or secret data: %q", line)
			}
		}
	}
}

func TestSlogLoggerAdapterWritesRecords(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	handler := slog.NewJSONHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug - 4})
	cfg := sandboxConfig()
	cfg.Logger = wxface.SlogLogger(slog.New(handler))
	cfg.LogLevel = wxface.LevelDebug
	client := newClient(t, cfg)
	if _, err := client.V2GetVerifyID("slog-seq-1", "o_slog_user_000000000000001", zhangName, zhangID); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if buf.Len() == 0 {
		t.Fatal("the slog handler got no record")
	}
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("not a JSON record: %s", line)
		}
		if rec["component"] != "wxface" || rec["msg"] == "" {
			t.Fatalf("record lacks component or msg: %s", line)
		}
	}
}

type lockedWriter struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func TestPanickingLoggerDoesNotBreakCalls(t *testing.T) {
	cfg := sandboxConfig()
	cfg.Logger = func(wxface.Level, string) { panic("logger bug") }
	cfg.LogLevel = wxface.LevelTrace
	client := newClient(t, cfg)
	if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
		t.Fatalf("call with a panicking logger: %v", err)
	}
}

func TestContextDeadlineBoundsAHangingCall(t *testing.T) {
	client := newClient(t, sandboxConfig())
	if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
		t.Fatal(err) // the token is fetched before the fault is queued
	}
	fault(t, map[string]any{"path": getUserIDKeyPath, "kind": "hang"})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := client.V1GetUserIDKeyContext(ctx, zhangName, zhangID, "")
	elapsed := time.Since(start)
	wantCode(t, err, wxface.CodeTimeout)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v does not wrap context.DeadlineExceeded", err)
	}
	if elapsed < 400*time.Millisecond || elapsed > 3*time.Second {
		t.Fatalf("timed out after %v, want about 500ms", elapsed)
	}
}

func TestConfiguredTimeoutBoundsAHangingCall(t *testing.T) {
	cfg := sandboxConfig()
	cfg.Timeout = 500 * time.Millisecond
	client := newClient(t, cfg)
	if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
		t.Fatal(err)
	}
	fault(t, map[string]any{"path": getUserIDKeyPath, "kind": "hang"})
	start := time.Now()
	_, err := client.V1GetUserIDKey(zhangName, zhangID, "")
	wantCode(t, err, wxface.CodeTimeout)
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Fatalf("timed out after %v, want about 500ms", elapsed)
	}
}

func TestDoneContextMakesNoRequest(t *testing.T) {
	client := newClient(t, sandboxConfig())
	before := stat(t, getUserIDKeyPath)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := client.V1GetUserIDKeyContext(cancelled, zhangName, zhangID, "")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v, want context.Canceled", err)
	}

	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	_, err = client.V2QueryContext(expired, "vid", "seq", "o", "h")
	wantCode(t, err, wxface.CodeTimeout)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("expired context: %v, want context.DeadlineExceeded", err)
	}

	if after := stat(t, getUserIDKeyPath); after != before {
		t.Fatalf("a done context still sent %d requests", after-before)
	}
}

func TestContextVariantsWorkWithinTheirDeadline(t *testing.T) {
	client := newClient(t, sandboxConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	key, err := client.V1GetUserIDKeyContext(ctx, zhangName, zhangID, "")
	if err != nil {
		t.Fatal(err)
	}
	if key.ExpiresIn <= 0 || key.Fields["user_id_key"] != key.UserIDKey {
		t.Fatalf("incomplete UserIDKey: %+v", key)
	}
	verifyResult, openID := completeV1(t, key.UserIDKey, nil)
	info, err := client.V1GetInfoContext(ctx, verifyResult)
	if err != nil {
		t.Fatal(err)
	}
	md5Name, _ := wxface.MD5Name(zhangName)
	if info.OpenID != openID || info.NameUTF8MD5 != md5Name || info.FinishTime.IsZero() {
		t.Fatalf("getinfo fields not read: %+v", info)
	}
	if _, err := client.V1VerifyContext(ctx, verifyResult, wxface.Expected{Name: zhangName, IDCardNumber: zhangID, UserIDKey: key.UserIDKey, OpenID: openID}); err != nil {
		t.Fatal(err)
	}
	vid, err := client.V2GetVerifyIDContext(ctx, "ctx-seq-1", "o_ctx_user_0000000000000001", zhangName, zhangID)
	if err != nil {
		t.Fatal(err)
	}
	control(t, "POST", "/sandbox/v2/complete", map[string]any{"verify_id": vid.VerifyID})
	res, err := client.V2QueryContext(ctx, vid.VerifyID, "ctx-seq-1", "o_ctx_user_0000000000000001", vid.CertHash)
	if err != nil || res.VerifyRet != 10000 {
		t.Fatalf("V2QueryContext: %+v, %v", res, err)
	}
}

// Many goroutines share one client through whole 1.0 and 2.0 flows; run
// under -race this also checks the binding's own state.
func TestManyGoroutinesShareOneClient(t *testing.T) {
	const workers = 64
	client := newClient(t, sandboxConfig())
	certHash, err := wxface.CertHash("IDENTITY_CARD", zhangName, zhangID)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs <- oneUser(client, i, certHash)
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func oneUser(client *wxface.Client, i int, certHash string) error {
	key, err := client.V1GetUserIDKey(zhangName, zhangID, "")
	if err != nil {
		return fmt.Errorf("worker %d getuseridkey: %w", i, err)
	}
	verifyResult, openID, err := completeV1Err(key.UserIDKey, nil)
	if err != nil {
		return err
	}
	exp := wxface.Expected{Name: zhangName, IDCardNumber: zhangID, UserIDKey: key.UserIDKey, OpenID: openID}
	if _, err := client.V1Verify(verifyResult, exp); err != nil {
		return fmt.Errorf("worker %d verify: %w", i, err)
	}
	if _, err := client.V1Verify(verifyResult, exp); !errors.Is(err, wxface.ErrReplayed) {
		return fmt.Errorf("worker %d replay: %v, want ErrReplayed", i, err)
	}
	vid, err := client.V2GetVerifyID(fmt.Sprintf("many-%d", i), "o_many_user_00000000000001", zhangName, zhangID)
	if err != nil {
		return fmt.Errorf("worker %d getverifyid: %w", i, err)
	}
	if vid.CertHash != certHash {
		return fmt.Errorf("worker %d: cert_hash differs from CertHash", i)
	}
	return nil
}

// Close waits for the calls in flight, which finish normally; calls made
// after it fail with ErrClosed.
func TestCloseWaitsForCallsInFlight(t *testing.T) {
	const inFlight = 8
	const delay = 600 * time.Millisecond
	client, err := wxface.NewClient(sandboxConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
		t.Fatal(err)
	}
	fault(t, map[string]any{"path": getUserIDKeyPath, "kind": "delay", "delay_ms": delay.Milliseconds(), "count": 0})
	before := stat(t, getUserIDKeyPath)
	var ok atomic.Int32
	errs := make(chan error, inFlight)
	var wg sync.WaitGroup
	for i := 0; i < inFlight; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
				errs <- err
				return
			}
			ok.Add(1)
		}()
	}
	// Every call has reached the sandbox (it counts before delaying).
	deadline := time.Now().Add(10 * time.Second)
	for stat(t, getUserIDKeyPath)-before < inFlight {
		if time.Now().After(deadline) {
			t.Fatal("the calls never reached the sandbox")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The calls are held for `delay` from their arrival, so a Close that
	// waits for them cannot return much sooner than that.
	start := time.Now()
	if err := client.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if waited := time.Since(start); waited < delay/2 {
		t.Fatalf("Close returned after %v, while calls were held for %v", waited, delay)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a call in flight failed: %v", err)
	}
	if n := ok.Load(); n != inFlight {
		t.Fatalf("%d of %d calls in flight succeeded", n, inFlight)
	}
	if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); !errors.Is(err, wxface.ErrClosed) {
		t.Fatalf("call after Close: %v, want ErrClosed", err)
	}
}

// staleGiven describes provider calls without printing tokens.
func staleGiven(stales, issued []string) []string {
	out := make([]string, len(stales))
	for i, s := range stales {
		switch {
		case s == "":
			out[i] = "none"
		case i > 0 && s == issued[i-1]:
			out[i] = "the previous token"
		default:
			out[i] = "another token"
		}
	}
	return out
}

// A call made while Close waits for the calls in flight fails with
// ErrClosed at once, instead of waiting for Close to end.
func TestACallMadeWhileCloseWaitsFailsAtOnce(t *testing.T) {
	const delay = 2 * time.Second
	client, err := wxface.NewClient(sandboxConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
		t.Fatal(err)
	}
	fault(t, map[string]any{"path": getUserIDKeyPath, "kind": "delay", "delay_ms": delay.Milliseconds(), "count": 1})
	before := stat(t, getUserIDKeyPath)
	held := make(chan error, 1)
	go func() {
		_, err := client.V1GetUserIDKey(zhangName, zhangID, "")
		held <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for stat(t, getUserIDKeyPath)-before < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the held call never reached the sandbox")
		}
		time.Sleep(10 * time.Millisecond)
	}
	closed := make(chan error, 1)
	go func() { closed <- client.Close() }()
	// Calls made before Close has begun succeed (the fault held only
	// the first); the first one refused must have been refused at once.
	for {
		start := time.Now()
		_, err := client.V1GetUserIDKey(zhangName, zhangID, "")
		took := time.Since(start)
		if took > delay/2 {
			t.Fatalf("a call made while Close waited took %v (%v): it waited for Close", took, err)
		}
		if errors.Is(err, wxface.ErrClosed) {
			break
		}
		if err != nil {
			t.Fatalf("call before Close began: %v", err)
		}
	}
	select {
	case <-closed:
		t.Fatal("Close returned while a call was in flight")
	case err := <-held:
		t.Fatalf("the held call returned (%v) before a call was refused", err)
	default:
	}
	if err := <-held; err != nil {
		t.Fatalf("the call in flight: %v", err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
}
