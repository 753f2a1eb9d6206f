// Progressive enhancement only: every page works without this file.
import { initAll } from '../build/govuk-frontend.min.js'
import './session-timeout.js' // the session time-out warning (templates/_partials/session_timeout.html)

// The components' own words (word counts, "Show" and "Hide") in the page's language: the page
// carries them as JSON (templates/_partials), translated by the portal's catalogues.
const config = document.getElementById('govuk-frontend-config')
initAll(config ? JSON.parse(config.textContent) : {})

// A letter batch's progress page: while the letters are being issued, ask the server how far it
// has got every few seconds and update the count (announced politely to screen readers); reload
// the page when the batch ends, to show the ZIP. Without this script the page has links instead.
const progress = document.querySelector('[data-batch-progress]')
if (progress) {
  const bar = document.getElementById('progress-bar')
  const poll = async () => {
    try {
      const response = await fetch(progress.dataset.batchProgress, { headers: { Accept: 'application/json' } })
      if (!response.ok) return
      const state = await response.json()
      if (progress.textContent.trim() !== state.message) progress.textContent = state.message
      if (bar) bar.value = state.done + state.failed
      if (!state.running) {
        window.location.reload()
        return
      }
    } catch (error) {
      // A dropped connection: try again on the next tick.
    }
    window.setTimeout(poll, 3000)
  }
  window.setTimeout(poll, 3000)
}
