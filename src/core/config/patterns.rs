//! The loader's rules on single values as the patterns the JSON Schemas
//! write, so that an editor refuses what `exo check` refuses. Tests hold
//! each pattern to the rule's verdicts (here, and in
//! [`super::remote_values`]); what a pattern cannot say (a duration finer
//! than a millisecond, longer than 292 years) stays the loader's.

/// [`super::remote_values::is_environment_name`].
pub const ENVIRONMENT_NAME: &str = r"^(?=.{1,63}$)[a-z0-9]+(-[a-z0-9]+)*$";
/// [`super::remote_values::is_namespace`].
pub const NAMESPACE: &str = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";
/// [`super::remote_values::registry_problem`].
pub const REGISTRY: &str = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?((\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+(:[0-9]{1,5})?|:[0-9]{1,5})|[a-z0-9]+((_|__|-+)[a-z0-9]+)*)(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*/*$";
/// [`super::remote_values::host_name_problem`].
pub const HOST_NAME: &str =
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$";
/// [`super::remote_values::is_region`].
pub const REGION: &str = r"^[a-z]+(-[a-z]+)+-[0-9]+$";
/// [`super::remote_values::is_account_id`].
pub const ACCOUNT_ID: &str = r"^[0-9]{12}$";
/// [`super::remote_values::is_certificate_arn`].
pub const CERTIFICATE_ARN: &str = r"^arn:aws[^:]*:(acm:[a-z]+(-[a-z]+)+-[0-9]+:[0-9]{12}:certificate/\S+|iam::[0-9]{12}:server-certificate/\S+)$";
/// [`super::remote_values::is_placement_constraint`].
pub const PLACEMENT: &str = r"^\s*[A-Za-z0-9._-]+\s*(==|!=)\s*[^=!\s]([^=!]*[^=!\s])?\s*$";

/// [`super::hardening`]: a Linux capability's name, with or without `CAP_`.
pub const CAPABILITY: &str = r"^[A-Z][A-Z0-9_]*$";

/// [`super::reader::port_number`]: 1 to 65535, as digits.
pub const PORT: &str = r"^\s*\+?0*([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])\s*$";
/// `remote.cpu` and `remote.memory` as text: a whole number from 1 to
/// 2147483647 (a 32-bit integer).
pub const AMOUNT: &str = r"^\s*\+?0*([1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])\s*$";
/// [`super::parse_duration`]: parts of a number and a unit.
pub const DURATION: &str = r"^\s*(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ms|s|m|h))+\s*$";
/// A [`DURATION`] longer than zero, as health checks' intervals and timeouts.
pub const POSITIVE_DURATION: &str =
    r"^(?!\s*((0+(\.0*)?|\.0+)(ms|s|m|h))+\s*$)\s*(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ms|s|m|h))+\s*$";

/// Whether `text` matches `pattern` as a JSON Schema validator reads it.
#[cfg(test)]
pub fn matches(pattern: &str, text: &str) -> bool {
    let schema = serde_json::json!({ "type": "string", "pattern": pattern });
    jsonschema::draft7::new(&schema)
        .expect("a valid pattern")
        .is_valid(&serde_json::json!(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_durations_as_the_loader_reads_them() {
        for sample in [
            "80", " 80 ", "+80", "0080", "65535", "65536", "0", "-1", "8 0", "80x", "",
        ] {
            let port = super::super::reader::port_number(sample).is_some();
            assert_eq!(matches(PORT, sample), port, "{sample:?}");
        }
        for sample in [
            "512",
            " 256 ",
            "+1",
            "0",
            "1.5",
            "-1",
            "abc",
            "",
            "999999999",
            "1999999999",
            "2147483647",
            "2147483648",
            "4294967295",
            "4294967296",
        ] {
            let amount = sample
                .trim()
                .parse::<u32>()
                .is_ok_and(|n| n > 0 && i32::try_from(n).is_ok());
            assert_eq!(matches(AMOUNT, sample), amount, "{sample:?}");
        }
        let durations = [
            "500ms", "2s", "1m30s", "1h", "1.5s", ".5s", "5.s", " 2s ", "0s", "0.0s", "0ms0s",
            "1.2.3s", ".s", "5", "5 s", "5sec", "s", "", "1h0m", "0h1ms",
        ];
        for sample in durations {
            let parsed = super::super::parse_duration(sample);
            assert_eq!(matches(DURATION, sample), parsed.is_some(), "{sample:?}");
            let positive = parsed.is_some_and(|d| !d.is_zero());
            assert_eq!(matches(POSITIVE_DURATION, sample), positive, "{sample:?}");
        }
    }
}
