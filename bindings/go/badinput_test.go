package wxface_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	wxface "github.com/wxface/wxface/bindings/go"
)

const (
	zhangName = "张三"
	zhangID   = "11010519491231002X"
)

// wantCode fails unless err is a *wxface.Error of code want that also
// matches want's sentinel through errors.Is.
func wantCode(t *testing.T, err error, want wxface.Code) *wxface.Error {
	t.Helper()
	var e *wxface.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want a *wxface.Error %s", err, err, want)
	}
	if e.Code != want {
		t.Fatalf("got %s (%v), want %s", e.CodeName, err, want)
	}
	if !errors.Is(err, &wxface.Error{Code: want}) {
		t.Fatalf("errors.Is does not match code %s", want)
	}
	return e
}

// Every string parameter, given a NUL byte: the binding refuses it (C
// would read a shorter string) with InvalidArgument and never crashes.
func TestStringsWithNULBytesAreInvalidArguments(t *testing.T) {
	client := newClient(t, sandboxConfig())
	nul := "a\x00b"
	exp := wxface.Expected{Name: zhangName, IDCardNumber: zhangID, UserIDKey: "k", OpenID: "o"}
	calls := map[string]func() error{
		"V1GetUserIDKey name":     func() error { _, err := client.V1GetUserIDKey(nul, zhangID, ""); return err },
		"V1GetUserIDKey id":       func() error { _, err := client.V1GetUserIDKey(zhangName, nul, ""); return err },
		"V1GetUserIDKey outSeqNo": func() error { _, err := client.V1GetUserIDKey(zhangName, zhangID, nul); return err },
		"V1GetInfo":               func() error { _, err := client.V1GetInfo(nul); return err },
		"V1Verify verifyResult":   func() error { _, err := client.V1Verify(nul, exp); return err },
		"V1Verify openid":         func() error { e := exp; e.OpenID = nul; _, err := client.V1Verify("vr", e); return err },
		"V1Verify userIDKey":      func() error { e := exp; e.UserIDKey = nul; _, err := client.V1Verify("vr", e); return err },
		"V2GetVerifyID openid":    func() error { _, err := client.V2GetVerifyID("seq", nul, zhangName, zhangID); return err },
		"V2Query certHash":        func() error { _, err := client.V2Query("vid", "seq", "o", nul); return err },
		"V1GetImage":              func() error { _, err := client.V1GetImage(nul); return err },
		"PushCheckURL":            func() error { _, err := client.PushCheckURL(nul); return err },
		"PushOpen query":          func() error { _, err := client.PushOpen(nul, []byte("{}")); return err },
		"PushSeal nonce": func() error {
			_, err := client.PushSeal(wxface.PushJSON, wxface.PushPlain, []byte("{}"), time.Now(), nul)
			return err
		},
		"NormalizeIDCard": func() error { _, err := wxface.NormalizeIDCard(zhangID + "\x00"); return err },
		"MD5IDCardNumber": func() error { _, err := wxface.MD5IDCardNumber(nul); return err },
		"MD5Name":         func() error { _, err := wxface.MD5Name(nul); return err },
		"CertHash":        func() error { _, err := wxface.CertHash("IDENTITY_CARD", nul, zhangID); return err },
		"Config value":    func() error { _, err := wxface.NewClient(wxface.Config{AppID: nul, Secret: "s"}); return err },
		"Config Extra key": func() error {
			_, err := wxface.NewClient(wxface.Config{AppID: "a", Secret: "s", Extra: map[string]string{nul: "1"}})
			return err
		},
		"NewClientFromFile path": func() error { _, err := wxface.NewClientFromFile(nul); return err },
	}
	before := stat(t, "api_connections")
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			e := wantCode(t, call(), wxface.CodeInvalidArgument)
			if !strings.Contains(e.Message, "NUL") {
				t.Errorf("message %q does not say why", e.Message)
			}
		})
	}
	if after := stat(t, "api_connections"); after != before {
		t.Errorf("refused arguments still reached the network: %d connections", after-before)
	}
}

// Values only Go's typed fields can hold; the rest is in
// tests/scenarios/config_errors.json.
func TestBadTypedConfigFieldsAreConfigErrors(t *testing.T) {
	cases := map[string]func() error{
		"negative timeout": func() error {
			_, err := wxface.NewClient(wxface.Config{AppID: "a", Secret: "s", Timeout: -time.Second})
			return err
		},
		"bad log level": func() error {
			_, err := wxface.NewClient(wxface.Config{AppID: "a", Secret: "s", LogLevel: 9})
			return err
		},
	}
	for name, call := range cases {
		t.Run(name, func(t *testing.T) { wantCode(t, call(), wxface.CodeConfig) })
	}
}

func TestClientFromFileWorks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wxface.conf")
	text := "# sandbox\nappid=" + sandboxAppID + "\nsecret=" + sandboxSecret + "\napi_base=" + apiBase + "\nproxy=none\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	client, err := wxface.NewClientFromFile(path)
	if err != nil {
		t.Fatalf("NewClientFromFile: %v", err)
	}
	defer client.Close()
	if _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); err != nil {
		t.Fatalf("call through a file-configured client: %v", err)
	}
}

func TestClosedClientReturnsErrClosed(t *testing.T) {
	client, err := wxface.NewClient(sandboxConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := client.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	calls := map[string]func() error{
		"V1GetUserIDKey": func() error { _, err := client.V1GetUserIDKey(zhangName, zhangID, ""); return err },
		"V1GetInfo":      func() error { _, err := client.V1GetInfo("vr"); return err },
		"V1Verify": func() error {
			_, err := client.V1Verify("vr", wxface.Expected{Name: zhangName, IDCardNumber: zhangID})
			return err
		},
		"V2GetVerifyID": func() error { _, err := client.V2GetVerifyID("seq", "o", zhangName, zhangID); return err },
		"V2Query":       func() error { _, err := client.V2Query("vid", "seq", "o", "h"); return err },
		"PushCheckURL":  func() error { _, err := client.PushCheckURL("a=b"); return err },
		"PushOpen":      func() error { _, err := client.PushOpen("a=b", []byte("{}")); return err },
		"PushSeal": func() error {
			_, err := client.PushSeal(wxface.PushJSON, wxface.PushPlain, []byte("{}"), time.Now(), "n")
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			wantCode(t, err, wxface.CodeInvalidArgument)
			if !errors.Is(err, wxface.ErrClosed) {
				t.Fatalf("%v does not match ErrClosed", err)
			}
		})
	}
	// Only a closed client's errors match ErrClosed.
	_, err = wxface.MD5Name("")
	if errors.Is(err, wxface.ErrClosed) {
		t.Fatalf("an ordinary InvalidArgument matches ErrClosed")
	}
}
