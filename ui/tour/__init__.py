"""The guided tour: the course notes step by step, each with a live view, a question and the measured answer."""
