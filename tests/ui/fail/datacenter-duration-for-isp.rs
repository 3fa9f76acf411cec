use ipidea::*;

fn main() {
    // ISP and datacenter IPs spell their durations differently; the types keep them apart.
    let _ = IspIpOpenRequest::new("hk", DatacenterDuration::Week, 1);
}
