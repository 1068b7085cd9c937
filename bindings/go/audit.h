/* The C shim for the audit callback (see callbacks.h for the pattern). */
#ifndef WXFACE_GO_AUDIT_H
#define WXFACE_GO_AUDIT_H

#include <stdint.h>
#include <wxface.h>

int32_t wxface_go_set_audit_callback(wxface_config *cfg, uintptr_t handle, wxface_error *err);

#endif
