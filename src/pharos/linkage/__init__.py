"""Record linkage: count each person once (de-duplication and privacy-preserving linkage)."""
