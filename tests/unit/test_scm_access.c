/* The SCM access table (common/monitor/scm_access.c) against the documented
 * requirements.  Each requirement below is transcribed from the named
 * Microsoft Learn page, separately from the product's table, so a handle
 * that lacks a right its operations need fails here, natively, although
 * Wine would accept it (docs/windows-fidelity.md). */
#include "monitor/scm_access.h"
#include "tinytest.h"

static const struct {
    epg_scm_op op;
    uint32_t needs;
    const char *source;
} documented[] = {
    /* OpenServiceW: "hSCManager ... must have the SC_MANAGER_CONNECT access
     * right" (the handle from OpenSCManager always has it). */
    { EPG_SCM_OPEN_SERVICE, EPG_SC_MANAGER_CONNECT, "OpenServiceW" },
    /* CreateServiceW: "must have the SC_MANAGER_CREATE_SERVICE access right". */
    { EPG_SCM_CREATE_SERVICE, EPG_SC_MANAGER_CREATE_SERVICE, "CreateServiceW" },
    /* ChangeServiceConfigW: "must have the SERVICE_CHANGE_CONFIG access right". */
    { EPG_SCM_CHANGE_CONFIG, EPG_SERVICE_CHANGE_CONFIG, "ChangeServiceConfigW" },
    /* ChangeServiceConfig2W: SERVICE_CHANGE_CONFIG for every level; "If the
     * service controller handles the SC_ACTION_RESTART action, hService
     * must have the SERVICE_START access right." */
    { EPG_SCM_SET_DESCRIPTION, EPG_SERVICE_CHANGE_CONFIG, "ChangeServiceConfig2W" },
    { EPG_SCM_SET_RESTART_ACTIONS, EPG_SERVICE_CHANGE_CONFIG | EPG_SERVICE_START,
      "ChangeServiceConfig2W, SC_ACTION_RESTART" },
    { EPG_SCM_SET_FAILURE_FLAG, EPG_SERVICE_CHANGE_CONFIG, "ChangeServiceConfig2W" },
    { EPG_SCM_SET_SID_TYPE, EPG_SERVICE_CHANGE_CONFIG, "ChangeServiceConfig2W" },
    { EPG_SCM_SET_PRIVILEGES, EPG_SERVICE_CHANGE_CONFIG, "ChangeServiceConfig2W" },
    { EPG_SCM_SET_DELAYED_START, EPG_SERVICE_CHANGE_CONFIG, "ChangeServiceConfig2W" },
    /* QueryServiceStatus: "must have the SERVICE_QUERY_STATUS access right". */
    { EPG_SCM_QUERY_STATUS, EPG_SERVICE_QUERY_STATUS, "QueryServiceStatus" },
    /* ControlService: SERVICE_CONTROL_STOP "requires SERVICE_STOP". */
    { EPG_SCM_STOP, EPG_SERVICE_STOP, "ControlService" },
    /* DeleteService: "must have the DELETE access right". */
    { EPG_SCM_DELETE, EPG_DELETE, "DeleteService" },
};
#define NDOC (sizeof documented / sizeof documented[0])

static uint32_t needs(int op)
{
    size_t i;

    for (i = 0; i < NDOC; i++)
        if ((int)documented[i].op == op)
            return documented[i].needs;
    return 0xFFFFFFFFu;     /* an operation nobody documented here */
}

/* The documented constants (winsvc.h, winnt.h). */
static void constants(void)
{
    CHECK_INT(EPG_SC_MANAGER_CONNECT, 0x0001);
    CHECK_INT(EPG_SC_MANAGER_CREATE_SERVICE, 0x0002);
    CHECK_INT(EPG_SERVICE_QUERY_CONFIG, 0x0001);
    CHECK_INT(EPG_SERVICE_CHANGE_CONFIG, 0x0002);
    CHECK_INT(EPG_SERVICE_QUERY_STATUS, 0x0004);
    CHECK_INT(EPG_SERVICE_START, 0x0010);
    CHECK_INT(EPG_SERVICE_STOP, 0x0020);
    CHECK_INT(EPG_DELETE, 0x10000);
}

/* Every operation is documented here, and the product reads it alike. */
static void operations_match_documents(void)
{
    int op;

    CHECK_INT(NDOC, EPG_SCM_OP_COUNT);
    for (op = 0; op < EPG_SCM_OP_COUNT; op++) {
        if (epg_scm_op_access((epg_scm_op)op) != needs(op))
            fprintf(stderr, "  operation %s\n", epg_scm_op_name((epg_scm_op)op));
        CHECK_INT(epg_scm_op_access((epg_scm_op)op), needs(op));
    }
}

/* Each handle has every right its operations need and no other. */
static void handles_have_what_they_need(void)
{
    int h, op;

    for (h = 0; h < EPG_SCMH_COUNT; h++) {
        uint32_t access = epg_scm_access((epg_scm_handle)h), want = 0;
        uint32_t used = epg_scm_handle_ops((epg_scm_handle)h);

        CHECK(used != 0);
        for (op = 0; op < EPG_SCM_OP_COUNT; op++) {
            if (!(used & (1u << op)))
                continue;
            want |= needs(op);
            if ((access & needs(op)) != needs(op))
                fprintf(stderr, "  %s lacks what %s needs\n",
                        epg_scm_handle_name((epg_scm_handle)h),
                        epg_scm_op_name((epg_scm_op)op));
            CHECK_INT(access & needs(op), needs(op));
        }
        CHECK_INT(access, want);
    }
}

/* The defect this table fixed (every MSI install rolled back on Windows), by value: configure sets restart failure
 * actions, so its service handle needs SERVICE_START; uninstall's handle
 * stops, queries and deletes, and may change nothing. */
static void known_handles(void)
{
    CHECK_INT(epg_scm_access(EPG_SCMH_CONFIGURE_SERVICE),
              EPG_SERVICE_CHANGE_CONFIG | EPG_SERVICE_START);
    CHECK_INT(epg_scm_access(EPG_SCMH_INSTALL_SERVICE),
              EPG_SERVICE_CHANGE_CONFIG | EPG_SERVICE_START);
    CHECK_INT(epg_scm_access(EPG_SCMH_UNINSTALL_SERVICE),
              EPG_SERVICE_QUERY_STATUS | EPG_SERVICE_STOP | EPG_DELETE);
    CHECK_INT(epg_scm_access(EPG_SCMH_INSTALL_MANAGER),
              EPG_SC_MANAGER_CONNECT | EPG_SC_MANAGER_CREATE_SERVICE);
    CHECK_INT(epg_scm_access(EPG_SCMH_CONFIGURE_MANAGER), EPG_SC_MANAGER_CONNECT);
    CHECK_INT(epg_scm_access(EPG_SCMH_UNINSTALL_MANAGER), EPG_SC_MANAGER_CONNECT);
}

int main(void)
{
    RUN(constants);
    RUN(operations_match_documents);
    RUN(handles_have_what_they_need);
    RUN(known_handles);
    return tt_summary("test_scm_access");
}
