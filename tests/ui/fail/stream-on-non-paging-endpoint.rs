use ipidea::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::new("uid", "appkey")?;
    // Only the list endpoints page; opening IPs has no stream.
    let _ = client.isp_ip_open_stream(IspIpOpenRequest::new("hk", IspDuration::Weekly, 1));
    Ok(())
}
