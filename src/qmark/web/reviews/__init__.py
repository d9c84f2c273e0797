"""The reviews app: organisations, reviews, documents, assessment runs, human judgements, audit."""
