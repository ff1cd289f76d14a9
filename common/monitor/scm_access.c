#include "monitor/scm_access.h"

#define OP(o) (1u << (o))

/* What each operation needs, from the function's documentation on
 * Microsoft Learn (the hService / hSCManager parameter). */
static const struct {
    const char *name;
    uint32_t access;
} ops[EPG_SCM_OP_COUNT] = {
    [EPG_SCM_OPEN_SERVICE] = { "OpenServiceW", EPG_SC_MANAGER_CONNECT },
    [EPG_SCM_CREATE_SERVICE] = { "CreateServiceW", EPG_SC_MANAGER_CREATE_SERVICE },
    [EPG_SCM_CHANGE_CONFIG] = { "ChangeServiceConfigW", EPG_SERVICE_CHANGE_CONFIG },
    [EPG_SCM_SET_DESCRIPTION] = { "ChangeServiceConfig2W(DESCRIPTION)",
                                  EPG_SERVICE_CHANGE_CONFIG },
    /* "If the service controller handles the SC_ACTION_RESTART action,
     * hService must have the SERVICE_START access right." */
    [EPG_SCM_SET_RESTART_ACTIONS] = { "ChangeServiceConfig2W(FAILURE_ACTIONS, restart)",
                                      EPG_SERVICE_CHANGE_CONFIG | EPG_SERVICE_START },
    [EPG_SCM_SET_FAILURE_FLAG] = { "ChangeServiceConfig2W(FAILURE_ACTIONS_FLAG)",
                                   EPG_SERVICE_CHANGE_CONFIG },
    [EPG_SCM_SET_SID_TYPE] = { "ChangeServiceConfig2W(SERVICE_SID_INFO)",
                               EPG_SERVICE_CHANGE_CONFIG },
    [EPG_SCM_SET_PRIVILEGES] = { "ChangeServiceConfig2W(REQUIRED_PRIVILEGES_INFO)",
                                 EPG_SERVICE_CHANGE_CONFIG },
    [EPG_SCM_SET_DELAYED_START] = { "ChangeServiceConfig2W(DELAYED_AUTO_START_INFO)",
                                    EPG_SERVICE_CHANGE_CONFIG },
    [EPG_SCM_QUERY_STATUS] = { "QueryServiceStatus", EPG_SERVICE_QUERY_STATUS },
    [EPG_SCM_STOP] = { "ControlService(STOP)", EPG_SERVICE_STOP },
    [EPG_SCM_DELETE] = { "DeleteService", EPG_DELETE },
};

/* Everything configure_service (service/commands/install.c) does to a
 * service. */
#define CONFIGURE_OPS                                                        \
    (OP(EPG_SCM_CHANGE_CONFIG) | OP(EPG_SCM_SET_DESCRIPTION) |               \
     OP(EPG_SCM_SET_RESTART_ACTIONS) | OP(EPG_SCM_SET_FAILURE_FLAG) |        \
     OP(EPG_SCM_SET_SID_TYPE) | OP(EPG_SCM_SET_PRIVILEGES) |                 \
     OP(EPG_SCM_SET_DELAYED_START))

static const struct {
    const char *name;
    uint32_t ops;
} handles[EPG_SCMH_COUNT] = {
    [EPG_SCMH_INSTALL_MANAGER] = { "install: Service Control Manager",
                                   OP(EPG_SCM_CREATE_SERVICE) | OP(EPG_SCM_OPEN_SERVICE) },
    [EPG_SCMH_INSTALL_SERVICE] = { "install: the service", CONFIGURE_OPS },
    [EPG_SCMH_CONFIGURE_MANAGER] = { "configure: Service Control Manager",
                                     OP(EPG_SCM_OPEN_SERVICE) },
    [EPG_SCMH_CONFIGURE_SERVICE] = { "configure: the service", CONFIGURE_OPS },
    [EPG_SCMH_UNINSTALL_MANAGER] = { "uninstall: Service Control Manager",
                                     OP(EPG_SCM_OPEN_SERVICE) },
    [EPG_SCMH_UNINSTALL_SERVICE] = { "uninstall: the service",
                                     OP(EPG_SCM_QUERY_STATUS) | OP(EPG_SCM_STOP) |
                                         OP(EPG_SCM_DELETE) },
};

uint32_t epg_scm_op_access(epg_scm_op op)
{
    return (unsigned)op < EPG_SCM_OP_COUNT ? ops[op].access : 0;
}

uint32_t epg_scm_handle_ops(epg_scm_handle h)
{
    return (unsigned)h < EPG_SCMH_COUNT ? handles[h].ops : 0;
}

uint32_t epg_scm_access(epg_scm_handle h)
{
    uint32_t access = 0, used = epg_scm_handle_ops(h);
    int op;

    for (op = 0; op < EPG_SCM_OP_COUNT; op++)
        if (used & OP(op))
            access |= ops[op].access;
    return access;
}

const char *epg_scm_handle_name(epg_scm_handle h)
{
    return (unsigned)h < EPG_SCMH_COUNT ? handles[h].name : "?";
}

const char *epg_scm_op_name(epg_scm_op op)
{
    return (unsigned)op < EPG_SCM_OP_COUNT ? ops[op].name : "?";
}
