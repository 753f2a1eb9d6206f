// The session time-out warning (WCAG 2.2.1 timing adjustable). Progressive enhancement: without
// this script nobody is warned, but nothing typed is lost when a session ends (the server holds a
// form sent after the time-out and fills it back in after signing in again).
//
// The server says how long the session has left (GET data-status-url, which does not count as
// use). At data-warn-seconds before the end a modal dialog opens with a countdown, focus moves to
// "Stay signed in" and goes back where it was when the dialog closes. "Stay signed in" (or Escape)
// posts to data-keep-alive-url with the CSRF token, which counts as use. If the time runs out the
// dialog says so and that nothing is lost; the page stays as it is, so nothing typed is thrown away.
// After the end the script asks the server nothing more (see ``tick``).

const SECOND = 1000
const ANNOUNCE_EVERY = 30 // seconds between polite announcements of the time left

function formatCountdown (seconds) {
  const minutes = Math.floor(seconds / 60)
  const rest = String(seconds % 60).padStart(2, '0')
  return `${minutes}:${rest}`
}

export function initSessionTimeout (dialog) {
  if (!dialog || typeof dialog.showModal !== 'function') return

  const warnSeconds = Number(dialog.dataset.warnSeconds) || 120
  const warning = dialog.querySelector('[data-timeout-state="warning"]')
  const ended = dialog.querySelector('[data-timeout-state="ended"]')
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const announce = dialog.querySelector('[data-timeout-announce]')
  const keepAliveForm = dialog.querySelector('[data-timeout-keep-alive]')
  let timer = null
  let deadline = 0
  let returnFocusTo = null

  const clear = () => {
    window.clearTimeout(timer)
    timer = null
  }

  const status = async (url, options) => {
    const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' }, ...options })
    if (!response.ok && response.status !== 401) throw new Error(`session status ${response.status}`)
    return response.json()
  }

  const open = () => {
    if (dialog.open) return
    returnFocusTo = document.activeElement
    warning.hidden = false
    ended.hidden = true
    dialog.showModal()
    const stay = keepAliveForm.querySelector('button')
    if (stay) stay.focus()
  }

  const close = () => {
    if (dialog.open) dialog.close()
  }

  dialog.addEventListener('close', () => {
    if (returnFocusTo && typeof returnFocusTo.focus === 'function' && document.contains(returnFocusTo)) {
      returnFocusTo.focus()
    }
    returnFocusTo = null
  })

  const showEnded = () => {
    clear()
    if (!dialog.open) open()
    warning.hidden = true
    ended.hidden = false
    const button = ended.querySelector('button')
    if (button) button.focus()
    dialog.dataset.timeoutState = 'ended'
  }

  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / SECOND))
    countdown.textContent = formatCountdown(left)
    if (left > 0 && left % ANNOUNCE_EVERY === 0) announce.textContent = warning.querySelector('p').textContent
    if (left <= 0) {
      // Not asked of the server: a request after the end would forget whose session it was, and the
      // form this person sends next could then not be kept for them.
      showEnded()
      return
    }
    timer = window.setTimeout(tick, SECOND)
  }

  const schedule = (secondsLeft) => {
    clear()
    deadline = Date.now() + secondsLeft * SECOND
    if (secondsLeft <= warnSeconds) {
      open()
      tick()
    } else {
      close()
      timer = window.setTimeout(check, (secondsLeft - warnSeconds) * SECOND)
    }
    dialog.dataset.timeoutState = dialog.open ? 'warning' : 'waiting' // where the script is (tests wait for it)
  }

  const check = async () => {
    clear()
    if (deadline && Date.now() >= deadline) {
      showEnded() // e.g. the computer slept past the end
      return
    }
    try {
      const state = await status(dialog.dataset.statusUrl)
      if (!state.signed_in || state.seconds_left <= 0) {
        showEnded()
      } else {
        schedule(state.seconds_left)
      }
    } catch (error) {
      timer = window.setTimeout(check, 30 * SECOND) // the network dropped: ask again soon
    }
  }

  const stay = async () => {
    clear()
    try {
      const state = await status(dialog.dataset.keepAliveUrl, { method: 'POST', body: new FormData(keepAliveForm) })
      if (!state.signed_in) {
        showEnded()
        return
      }
      close()
      schedule(state.seconds_left)
    } catch (error) {
      check()
    }
  }

  keepAliveForm.addEventListener('submit', (event) => {
    event.preventDefault()
    stay()
  })
  // Escape closes a modal dialog: take it as "stay signed in" while the session is still alive.
  dialog.addEventListener('cancel', (event) => {
    if (!warning.hidden) {
      event.preventDefault()
      stay()
    }
  })

  check()
}

initSessionTimeout(document.querySelector('[data-session-timeout]'))
