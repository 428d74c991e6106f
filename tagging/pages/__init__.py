"""Reading pages: whatever the input (a whole page of a site finnews crawls, a Jekyll post, a text
file, an unknown site's page), where its article is, and its title, time and outlet."""
