"""The virtual terminal (`/terminal`): server-rendered pages for AR staff taking payments by phone or mail. The
page acts only through PayHub's public API, with a short-lived API key minted for the signed-in staff user; card
and bank details go through the hosted fields (the page never sees them)."""
