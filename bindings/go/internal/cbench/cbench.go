// Package cbench calls wxface_cert_hash in a loop written in C: the
// baseline that the binding's BenchmarkCertHash is compared with, so the
// difference is the cost of crossing from Go (cgo, argument copies, errors).
package cbench

/*
#cgo CFLAGS: -I${SRCDIR}/../../../../include
#include <stdint.h>
#include <wxface.h>

static int32_t cert_hash_loop(int64_t n) {
	char out[65];
	for (int64_t i = 0; i < n; i++) {
		int32_t rc = wxface_cert_hash("IDENTITY_CARD", "\xe5\xbc\xa0\xe4\xb8\x89", "11010519491231002X", out, NULL);
		if (rc != WXFACE_OK) {
			return rc;
		}
	}
	return WXFACE_OK;
}
*/
import "C"

import "fmt"

// CertHashLoop hashes the same person n times from C.
func CertHashLoop(n int) error {
	if rc := C.cert_hash_loop(C.int64_t(n)); rc != C.WXFACE_OK {
		return fmt.Errorf("wxface_cert_hash returned %d", int32(rc))
	}
	return nil
}
