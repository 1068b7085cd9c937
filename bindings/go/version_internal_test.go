package wxface

import (
	"errors"
	"strings"
	"testing"
)

func TestAnotherMajorMinorIsRefusedNamingBothVersions(t *testing.T) {
	for _, lib := range []string{"0.1.0", "0.3.0", "1.2.0", "0.2", "junk"} {
		err := compatible(bindingVersion+".0", lib)
		if !errors.Is(err, ErrLibraryVersion) {
			t.Fatalf("library %s: %v", lib, err)
		}
		if !strings.Contains(err.Error(), lib) || !strings.Contains(err.Error(), bindingVersion+".x") {
			t.Fatalf("library %s: message %q does not name both versions", lib, err)
		}
	}
	if err := compatible("0.1.0", bindingVersion+".0"); !errors.Is(err, ErrLibraryVersion) {
		t.Fatalf("an old header: %v", err)
	}
}

func TestAnotherPatchIsAccepted(t *testing.T) {
	if err := compatible(bindingVersion+".0", bindingVersion+".9"); err != nil {
		t.Fatal(err)
	}
}
