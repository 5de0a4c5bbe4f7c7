"""genebank: genebank information management system."""
