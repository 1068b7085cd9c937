package wxface_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	wxface "github.com/wxface/wxface/bindings/go"
)

// NoRetries makes a busy WeChat cost exactly one request; by default the
// same call is tried max_retries more times.
func TestNoRetriesMakesOneAttempt(t *testing.T) {
	for _, tc := range []struct {
		name     string
		noRetry  bool
		attempts int
	}{{"default", false, 3}, {"NoRetries", true, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := sandboxConfig()
			cfg.NoRetries = tc.noRetry
			client := newClient(t, cfg)
			if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
				t.Fatal(err) // the token is fetched before the fault is queued
			}
			fault(t, map[string]any{"path": getUserIDKeyPath, "kind": "errcode", "errcode": -1, "count": 0})
			before := stat(t, getUserIDKeyPath)
			_, err := client.V1GetUserIDKey(zhangName, zhangID, "")
			wantCode(t, err, wxface.CodeSystemBusy)
			if got := stat(t, getUserIDKeyPath) - before; got != tc.attempts {
				t.Fatalf("%d requests, want %d", got, tc.attempts)
			}
		})
	}
}

func TestNoRetriesWithMaxRetriesIsAConfigError(t *testing.T) {
	cfg := sandboxConfig()
	cfg.NoRetries, cfg.MaxRetries = true, 2
	_, err := wxface.NewClient(cfg)
	e := wantCode(t, err, wxface.CodeConfig)
	if !strings.Contains(e.Message, "NoRetries") {
		t.Fatalf("message %q does not name NoRetries", e.Message)
	}
}

// Go strings reach the library as they are and are read as UTF-8: a
// setting asking for GBK is refused, and a file's is overridden.
func TestGBKIsRefusedAsAGoSetting(t *testing.T) {
	for name, cfg := range map[string]wxface.Config{
		"InputEncoding":        {InputEncoding: "gbk"},
		"Extra input_encoding": {Extra: map[string]string{"input_encoding": "gb18030"}},
		"Extra text_encoding":  {Extra: map[string]string{"text_encoding": "gbk"}},
	} {
		t.Run(name, func(t *testing.T) {
			full := sandboxConfig()
			full.InputEncoding, full.Extra = cfg.InputEncoding, cfg.Extra
			_, err := wxface.NewClient(full)
			e := wantCode(t, err, wxface.CodeConfig)
			if !strings.Contains(e.Message, "UTF-8") {
				t.Fatalf("message %q does not say why", e.Message)
			}
		})
	}
}

func TestAConfigFilesGBKDoesNotApplyToGoStrings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wxface.conf")
	if err := os.WriteFile(path, []byte("text_encoding=gbk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := sandboxConfig()
	cfg.File = path
	client := newClient(t, cfg)
	if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
		t.Fatalf("UTF-8 name with a GBK file: %v", err)
	}
	gbk := "\xd5\xc5\xc8\xfd" // 张三 in GBK
	_, err := client.V1GetUserIDKey(gbk, zhangID, "")
	wantCode(t, err, wxface.CodeInvalidEncoding)
}

func TestAZeroValueClientSaysItWasNotCreated(t *testing.T) {
	var client wxface.Client
	_, err := client.V1GetInfo("vr")
	e := wantCode(t, err, wxface.CodeInvalidArgument)
	if !strings.Contains(e.Message, "not created with NewClient") {
		t.Fatalf("message %q", e.Message)
	}
	if errors.Is(err, wxface.ErrClosed) {
		t.Fatal("a client never created is not a closed one")
	}
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
}
