package wxface_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	wxface "github.com/wxface/wxface/bindings/go"
)

// auditRecords collects what a client's Audit sink receives.
type auditRecords struct {
	mu   sync.Mutex
	list []wxface.AuditRecord
}

func (a *auditRecords) add(r wxface.AuditRecord) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.list = append(a.list, r)
}

func (a *auditRecords) take() []wxface.AuditRecord {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := a.list
	a.list = nil
	return out
}

// check: one record of call per call made, with its code, and no PII value
// in any record since the last take.
func (a *auditRecords) check(t *testing.T, call string, codes []string, pii []string) {
	t.Helper()
	var got []string
	for _, r := range a.take() {
		for _, v := range pii {
			if v != "" && strings.Contains(strings.ToLower(r.JSON), strings.ToLower(v)) {
				t.Errorf("a PII value (%d chars) in the audit record %s", len(v), r.JSON)
			}
		}
		if r.Call == call {
			got = append(got, r.CodeName)
		}
	}
	if !reflect.DeepEqual(got, codes) {
		t.Errorf("%s records with codes %v, want %v", call, got, codes)
	}
}

func (l *scenarioList) peopleValues() []string {
	return []string{l.People.Expected.Name, l.People.Expected.IDCardNumber, l.People.Other.Name, l.People.Other.IDCardNumber}
}

const auditName, auditNumber = "张三", "11010519491231002X"

func passedV1(t *testing.T, c *wxface.Client) string {
	t.Helper()
	key, err := c.V1GetUserIDKey(auditName, auditNumber, "")
	if err != nil {
		t.Fatal(err)
	}
	vr, _ := completeV1(t, key.UserIDKey, nil)
	return vr
}

var auditPerson = wxface.Expected{Name: auditName, IDCardNumber: auditNumber}

// auditPath is in WXFACE_AUDIT_DIR when set: make test scans every file
// there for PII.
func auditPath(t *testing.T, name string) string {
	dir := os.Getenv("WXFACE_AUDIT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("go-%s-%d.jsonl", name, os.Getpid()))
	_ = os.Remove(path)
	return path
}

func TestAVerdictGivesOneMaskedAuditRecord(t *testing.T) {
	records := &auditRecords{}
	cfg := sandboxConfig()
	cfg.Audit = records.add
	c := newClient(t, cfg)
	vr := passedV1(t, c)
	records.take()
	if _, err := c.V1Verify(vr, auditPerson); err != nil {
		t.Fatal(err)
	}
	got := records.take()
	if len(got) != 1 {
		t.Fatalf("records: %+v", got)
	}
	r := got[0]
	if r.Call != "v1_verify" || r.Outcome != "VERIFIED" || r.Code != wxface.CodeOK || r.Attempts != 1 {
		t.Errorf("record: %+v", r)
	}
	if r.Subject != "张* 110***********002X" || len(r.VerifyResultHash) != 64 || r.LatencyMicros <= 0 {
		t.Errorf("record: %+v", r)
	}
	for _, v := range []string{auditName, auditNumber, vr, sandboxSecret} {
		if strings.Contains(r.JSON, v) {
			t.Errorf("a PII value in %s", r.JSON)
		}
	}
}

func TestAPanickingAuditSinkNeverBreaksACall(t *testing.T) {
	cfg := sandboxConfig()
	cfg.Audit = func(wxface.AuditRecord) { panic("the audit table is down") }
	c := newClient(t, cfg)
	if _, err := c.V1Verify(passedV1(t, c), auditPerson); err != nil {
		t.Fatal(err)
	}
}

func TestAuditFileFollowsALogrotateRename(t *testing.T) {
	path := auditPath(t, "rotate")
	records := &auditRecords{}
	cfg := sandboxConfig()
	cfg.AuditFile = path
	cfg.Audit = records.add
	c := newClient(t, cfg)
	if _, err := c.V1Verify(passedV1(t, c), auditPerson); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, path)
	seen := records.take()
	if len(lines) != 2 || lines[0] != seen[0].JSON || lines[1] != seen[1].JSON {
		t.Fatalf("file %q, callback %+v", lines, seen)
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.V1Verify(passedV1(t, c), auditPerson); err != nil {
		t.Fatal(err)
	}
	if n := len(readLines(t, path+".1")); n != 2 {
		t.Errorf("the rotated file has %d lines", n)
	}
	if now := readLines(t, path); len(now) != 1 || !strings.Contains(now[0], `"outcome":"VERIFIED"`) {
		t.Errorf("the new file: %q", now)
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestStatsCountCallsCodesRequestsAndLatency(t *testing.T) {
	c := newClient(t, sandboxConfig())
	vr := passedV1(t, c)
	if _, err := c.V1Verify(vr, auditPerson); err != nil {
		t.Fatal(err)
	}
	if _, err := c.V1Verify(vr, auditPerson); !errors.Is(err, wxface.ErrReplayed) {
		t.Fatalf("second verify: %v", err)
	}
	s, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"WXFACE_OK": 1, "WXFACE_ERR_REPLAYED": 1}
	if !reflect.DeepEqual(s.Calls["v1_verify"], want) {
		t.Errorf("calls: %v", s.Calls)
	}
	if s.ReplayRejections != 1 || s.TokenFetches != 1 || s.Retries != 0 || s.Requests["getinfo"] != 2 {
		t.Errorf("stats: %+v", s)
	}
	l := s.Latency["v1_verify"]
	if l.Count != 2 || l.P50 <= 0 || l.P50 > l.P99 || l.P99 > l.Max {
		t.Errorf("latency: %+v", l)
	}
	if !strings.Contains(s.Prometheus, `wxface_calls_total{call="v1_verify",code="WXFACE_ERR_REPLAYED"} 1`+"\n") {
		t.Errorf("prometheus: %s", s.Prometheus)
	}
}

func TestStatsOfAClosedClientIsErrClosed(t *testing.T) {
	c, err := wxface.NewClient(sandboxConfig())
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	if _, err := c.Stats(); !errors.Is(err, wxface.ErrClosed) {
		t.Errorf("Stats after Close: %v", err)
	}
}
