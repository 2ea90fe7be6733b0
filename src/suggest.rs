//! "Did you mean" suggestions for misspelt keys, names and types.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a, S: AsRef<str>>(word: &str, candidates: &'a [S]) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    candidates
        .iter()
        .map(AsRef::as_ref)
        .map(|c| (strsim::damerau_levenshtein(&word_lower, &c.to_lowercase()), c))
        .filter(|(distance, c)| *distance > 0 && *distance <= 2.max(c.len() / 4) && *distance < c.len().max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("nulable", &["type", "nullable", "unique"]), Some("nullable"));
        assert_eq!(did_you_mean("intger", &["integer", "text"]), Some("integer"));
        assert_eq!(did_you_mean("zebra", &["integer", "text"]), None);
        assert_eq!(did_you_mean("text", &["text"]), None);
    }
}
