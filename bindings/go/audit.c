#include "audit.h"
#include "_cgo_export.h"

static void WXFACE_CALL audit_trampoline(void *user_data, const wxface_response *record, const char *json) {
    (void)record;
    wxfaceGoAudit((uintptr_t)user_data, (char *)json);
}

int32_t wxface_go_set_audit_callback(wxface_config *cfg, uintptr_t handle, wxface_error *err) {
    return wxface_config_set_audit_callback(cfg, audit_trampoline, (void *)handle, err);
}
