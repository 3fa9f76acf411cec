use ipidea::*;

fn main() {
    // The wire value is `1`, but the setter takes the enum.
    let _ = FlowOrderListRequest::default().pay_status("1");
}
