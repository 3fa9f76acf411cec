//! The command line's names of the spec's endpoints and fields, each made by one function, for
//! the command tree and for every message that names a command or a flag.

use ipidea_spec::naming;

/// The subcommand of the endpoint called `name`: `isp_order_list` -> `isp-order-list`. The one
/// place that turns an endpoint's name into a command, for the command tree and for every
/// message that names one.
pub fn command_of(name: &str) -> String {
    dashed(name)
}

/// The flag of the request field called `name`, without its dashes: `renew_ip_list` ->
/// `renew-ip-list`, `orderUse` -> `order-use`. The one place that turns a field's name into a
/// flag, for the command tree and for every message that names one.
pub fn flag_of(name: &str) -> String {
    dashed(name)
}

/// `snake_case` with dashes: what both commands and flags are made of.
fn dashed(name: &str) -> String {
    naming::snake(name).replace('_', "-")
}
