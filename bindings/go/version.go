package wxface

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// bindingVersion is the MAJOR.MINOR this package was written for. In 0.x
// the ABI may break at MINOR (ABI.md), so the header it is compiled with
// and the library it runs with must both be of it.
const bindingVersion = "0.2"

// ErrLibraryVersion matches the error NewClient and the offline helpers
// return when the linked libwxface (or the wxface.h compiled in) is of
// another MAJOR.MINOR than this package; the message names the versions.
var ErrLibraryVersion = errors.New("wxface: libwxface version not compatible with this package")

// libraryCheck runs the comparison once per process: the library linked
// cannot change while it runs.
var libraryCheck = sync.OnceValue(func() error {
	return compatible(HeaderVersion, Version())
})

// compatible refuses a header or library whose MAJOR.MINOR is not
// bindingVersion.
func compatible(header, library string) error {
	for _, v := range []string{header, library} {
		parts := strings.Split(v, ".")
		if len(parts) != 3 || parts[0]+"."+parts[1] != bindingVersion {
			return fmt.Errorf("%w: libwxface %s (header %s); this package needs %s.x, as 0.x releases break the ABI at MINOR",
				ErrLibraryVersion, library, header, bindingVersion)
		}
	}
	return nil
}
