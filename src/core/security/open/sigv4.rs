//! AWS Signature Version 4 for an S3 request without a body, as MinIO
//! checks it: the canonical request, the string to sign, the key derived
//! from the secret and the day, and the `Authorization` header.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// SHA-256 of the empty payload, sent as `x-amz-content-sha256`.
pub const EMPTY_PAYLOAD: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// One request to sign.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// The canonical query string (empty for none).
    pub query: &'a str,
    /// Every header to sign, names in lower case; `x-amz-date` among them.
    pub headers: &'a [(&'a str, &'a str)],
    pub access_key: &'a str,
    pub secret_key: &'a str,
    pub region: &'a str,
}

/// The `Authorization` header's value for `request`.
pub fn authorization(request: &Request<'_>) -> String {
    let mut headers = request.headers.to_vec();
    headers.sort_by_key(|(name, _)| *name);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, value)| *value)
    };
    let time = header("x-amz-date");
    let day = time.get(..8).unwrap_or(time);
    let payload = match header("x-amz-content-sha256") {
        "" => EMPTY_PAYLOAD,
        given => given,
    };
    let signed: Vec<&str> = headers.iter().map(|(name, _)| *name).collect();
    let signed = signed.join(";");
    let mut canonical = format!("{}\n{}\n{}\n", request.method, request.path, request.query);
    for (name, value) in &headers {
        canonical.push_str(&format!("{name}:{}\n", value.trim()));
    }
    canonical.push_str(&format!("\n{signed}\n{payload}"));
    let scope = format!("{day}/{}/s3/aws4_request", request.region);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{time}\n{scope}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let mut key = format!("AWS4{}", request.secret_key).into_bytes();
    for part in [day, request.region, "s3", "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let signature = hex(&hmac(&key, to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed}, Signature={signature}",
        request.access_key
    )
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The "GET Object" example of Amazon S3's documentation of Signature
    /// Version 4 ("Authenticating Requests: Using the Authorization
    /// Header"), with its published signature.
    #[test]
    fn the_documented_example_signs_as_published() {
        let headers = [
            ("host", "examplebucket.s3.amazonaws.com"),
            ("range", "bytes=0-9"),
            ("x-amz-content-sha256", EMPTY_PAYLOAD),
            ("x-amz-date", "20130524T000000Z"),
        ];
        let request = Request {
            method: "GET",
            path: "/test.txt",
            query: "",
            headers: &headers,
            access_key: "AKIAIOSFODNN7EXAMPLE",
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            region: "us-east-1",
        };
        assert_eq!(
            authorization(&request),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    #[test]
    fn the_empty_payload_is_its_hash() {
        assert_eq!(hex(&Sha256::digest(b"")), EMPTY_PAYLOAD);
    }
}
