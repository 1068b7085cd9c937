package wxface_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	wxface "github.com/wxface/wxface/bindings/go"
)

// The sandbox's fixed credentials (sandbox/src).
const (
	sandboxAppID  = "wx5a3d6f1e2b4c8d90"
	sandboxSecret = "sandbox-secret-0123456789abcdef"
)

// apiBase is the URL of the sandbox TestMain started, shared by every test
// of this binary (tests touching its counters or faults do not run in
// parallel).
var apiBase string

func TestMain(m *testing.M) {
	os.Exit(runWithSandbox(m))
}

func runWithSandbox(m *testing.M) int {
	bin := os.Getenv("WXFACE_SANDBOX")
	if bin == "" {
		bin = filepath.Join("..", "..", "target", "debug", "wxface-sandbox")
	}
	cmd := exec.Command(bin, "--listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox pipe:", err)
		return 2
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "cannot start the sandbox %s (set WXFACE_SANDBOX, or run cargo build): %v\n", bin, err)
		return 2
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox gave no listen line:", err)
		return 2
	}
	fields := strings.Fields(line)
	if len(fields) == 0 || !strings.HasPrefix(fields[len(fields)-1], "http://127.0.0.1:") {
		fmt.Fprintf(os.Stderr, "unexpected sandbox line %q\n", line)
		return 2
	}
	apiBase = fields[len(fields)-1]
	// Keep draining stdout so the sandbox never blocks on a full pipe.
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return m.Run()
}

// sandboxConfig is a client configuration for the sandbox.
func sandboxConfig() wxface.Config {
	return wxface.Config{AppID: sandboxAppID, Secret: sandboxSecret, APIBase: apiBase, Proxy: "none"}
}

func newClient(t testing.TB, cfg wxface.Config) *wxface.Client {
	t.Helper()
	c, err := wxface.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// control calls the sandbox's control API over loopback, never a proxy.
var controlHTTP = &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 30 * time.Second}

func control(t testing.TB, method, path string, body any) map[string]any {
	t.Helper()
	out, err := controlErr(method, path, body)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// controlErr is control for goroutines other than the test's own, which
// must not call t.Fatal.
func controlErr(method, path string, body any) (map[string]any, error) {
	var payload io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("control %s: %w", path, err)
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, apiBase+path, payload)
	if err != nil {
		return nil, fmt.Errorf("control %s: %w", path, err)
	}
	resp, err := controlHTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("control %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("control %s %s: HTTP %d %s", method, path, resp.StatusCode, raw)
	}
	out := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			return nil, fmt.Errorf("control %s %s: %w in %s", method, path, err, raw)
		}
	}
	return out, nil
}

// stat reads one counter of GET /sandbox/stats: a top-level number, or a
// request count when path starts with "/".
func stat(t testing.TB, name string) int {
	t.Helper()
	s := control(t, "GET", "/sandbox/stats", nil)
	if strings.HasPrefix(name, "/") {
		reqs, _ := s["requests"].(map[string]any)
		n, _ := reqs[name].(float64)
		return int(n)
	}
	n, ok := s[name].(float64)
	if !ok {
		t.Fatalf("stats has no number %q: %v", name, s)
	}
	return int(n)
}

// completeV1 plays the user's phone for a 1.0 verification.
func completeV1(t testing.TB, userIDKey string, outcome map[string]any) (verifyResult, openID string) {
	t.Helper()
	verifyResult, openID, err := completeV1Err(userIDKey, outcome)
	if err != nil {
		t.Fatal(err)
	}
	return verifyResult, openID
}

func completeV1Err(userIDKey string, outcome map[string]any) (verifyResult, openID string, err error) {
	body := map[string]any{"user_id_key": userIDKey}
	for k, v := range outcome {
		body[k] = v
	}
	r, err := controlErr("POST", "/sandbox/v1/complete", body)
	if err != nil {
		return "", "", err
	}
	verifyResult, _ = r["verify_result"].(string)
	openID, _ = r["openid"].(string)
	if verifyResult == "" {
		return "", "", fmt.Errorf("v1/complete gave no verify_result: %v", r)
	}
	return verifyResult, openID, nil
}

// fault queues one sandbox fault and removes every fault when t ends.
func fault(t testing.TB, spec map[string]any) {
	t.Helper()
	control(t, "POST", "/sandbox/faults", spec)
	t.Cleanup(func() { control(t, "DELETE", "/sandbox/faults", nil) })
}
