package wxface_test

import (
	"testing"

	wxface "github.com/wxface/wxface/bindings/go"
	"github.com/wxface/wxface/bindings/go/internal/cbench"
)

// BenchmarkCertHash is one offline call through the binding; compare its
// ns/op with BenchmarkCertHashFromC, the same call made from C.
func BenchmarkCertHash(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := wxface.CertHash("IDENTITY_CARD", zhangName, zhangID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCertHashFromC(b *testing.B) {
	if err := cbench.CertHashLoop(b.N); err != nil {
		b.Fatal(err)
	}
}
