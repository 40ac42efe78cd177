import type { DefaultHelpTexts, HelpPaths } from './default-help.js';

/**
 * The user guide and FAQ in English, article for article as in Japanese. Screens and buttons are
 * named as the English pages label them (Account settings, Login methods, …).
 */
export const enHelp = (paths: HelpPaths): DefaultHelpTexts => ({
  guide: {
    overview: {
      title: 'What you can do on this portal',
      body: `This portal gives you the online services of your health insurance union:

- Medical expenses: what your treatment cost and how much you paid yourself.
- Downloads for the medical expense deduction: statements and e-Tax data for your tax return.
- Notices: news from your health insurance union.
- MY mail: messages your union sent to you personally, which you can reply to.
- Profile: your nickname, picture and a few words about yourself.
- Notification settings: whether you get an e-mail when new medical expenses or notices arrive.

To change your user ID, password, e-mail address or how you log in, use "Account settings" at the top of the page.

If something is unclear, see the frequently asked questions (${paths.faq}).`,
    },
    medical: {
      title: 'Checking your medical expenses',
      body: `The medical expenses page (${paths.medical}) shows:

- Your latest copayments: what you paid for the most recent month of treatment.
- Your copayments this year: what you have paid for treatment this year.
- Your copayments in past years: five years including this one, by year and by month. Choose a month to see its statement.

With "Filter by month of treatment and patient" you can show a statement for a period of your choice, or for one person.

Medical expenses usually appear about three months after treatment. The insured person sees the whole household's medical expenses; a dependant sees only their own.`,
    },
    'deduction-downloads': {
      title: 'Downloading data for the medical expense deduction',
      body: `For the medical expense deduction in your tax return, you can download these files for each year:

- Medical expense statement (PDF): to keep or print.
- Medical expense notice data (CSV): to add up in a spreadsheet.
- Medical expense form of the tax office (Excel): the National Tax Agency's form for totalling medical expenses.
- Medical expense notice data (e-Tax XML): to read into e-Tax when you prepare your return.

On the medical expenses page, choose a year under "For the medical expense deduction" to see that year's statement and its downloads. The files are in Japanese, as the tax office expects them.

When the insured person downloads the notice data, it covers everyone in the household: please make sure your family agree before you use it. It contains only what has been published when you download it, so your most recent treatment may be missing.`,
    },
    notices: {
      title: 'Reading notices',
      body: `News from your health insurance union (health check-ups, changes to the rules, things you need to do) is under "Notices" in the menu at the top of the page.

You can also get an e-mail when a new notice arrives (see "Setting up notification e-mails").`,
    },
    'my-mail': {
      title: 'Reading and answering MY mail',
      body: `MY mail holds messages your health insurance union sent to you personally. Open "MY mail" in the menu at the top of the page.

If a message asks for a reply, answer it with the reply form below the message.`,
    },
    profile: {
      title: 'Setting up your profile',
      body: `In your portal profile you can set a nickname, a picture and a few words about yourself.

Your name is managed by your health insurance union, so you cannot change it yourself. If it is wrong, please contact your union.`,
    },
    'notification-settings': {
      title: 'Setting up notification e-mails',
      body: `In the notification settings you choose, one by one, whether to get an e-mail when:

- new medical expenses are published
- your health insurance union publishes a notice
- you receive MY mail

Notification e-mails come from an address starting with info@. E-mails you need to log in, such as password resets and one-time passwords, are sent whatever your notification settings.`,
    },
    'account-console': {
      title: 'Changing how you log in or your e-mail address',
      body: `Your login settings are not on this portal but in "Account settings". Select "Account settings" at the top of the page.

- Profile: change your language, user ID, e-mail address ("Change e-mail address") and the login method you use.
- Login methods: update your password, add or delete two-factor authentication (biometrics with a passkey, or an authenticator app), and create recovery codes.
- Sessions: see where you are logged in and sign out of devices you no longer use.

Before an important change, you may be asked for your password and second factor again.`,
    },
    logout: {
      title: 'Logging out safely',
      body: `When you have finished, select "Log out" at the top of the page. When asked "Do you want to log out?", select "Log out". This logs you out of this portal and of your union's other services where you logged in with the same user ID.

- On a shared computer, always log out and then close the browser.
- Choose "Keep me logged in" only on a device that only you use.
- If you do nothing for a while, you are logged out automatically. Log in again to carry on.`,
    },
    environment: {
      title: 'What you need',
      body: `You can use the portal in the browser of a computer, smartphone or tablet. Please keep your browser up to date.

- Allow cookies: they keep you logged in.
- To use biometrics (a passkey), allow JavaScript.
- If the text is too small, use your browser's zoom.`,
    },
    language: {
      title: 'Choosing the language',
      body: `Select "English" at the top of the page to read it in English, and "日本語" to switch back to Japanese. If you set your language under "Profile" in Account settings, the portal uses it from your next login.

Downloaded files (statements, medical expense notice data) are always in Japanese, as they are meant for your tax return.`,
    },
  },

  faq: {
    'forgot-user-id': {
      title: 'I have forgotten my user ID',
      body: `On the login page, select "Forgot your user ID?" and enter your date of birth and your registered e-mail address. We will e-mail you a link to your user ID. The link works once, within one hour.

If you have not registered an e-mail address, or the e-mail does not arrive, please contact your health insurance union.`,
    },
    'forgot-password': {
      title: 'I have forgotten my password',
      body: `On the login page, select "Forgot your password?" and enter your user ID. We will send an e-mail to your registered address to set a new password.

The "Reset my password" link in the e-mail works once, for five minutes. If it has expired, please start again. Sending a new e-mail makes the links in earlier ones stop working.

If you do not know your user ID either, first look it up with "Forgot your user ID?".`,
    },
    'invalid-login': {
      title: 'It says "Invalid user ID or password." and I cannot log in',
      body: `Your user ID or your password is wrong. For your security, we do not say which one. Please check that:

- you are typing half-width (not full-width) characters
- Caps Lock is off (passwords are case-sensitive)
- you are using the new user ID and password you chose at your first login

Too many wrong attempts in a row lock your account. If you do not know your password, set a new one with "Forgot your password?".`,
    },
    'account-locked': {
      title: 'My account is locked',
      body: `After too many wrong passwords in a row (or wrong dates of birth at your first login), your account is locked to stop anyone guessing it. While it is locked, you cannot log in even with the right password.

To unlock it, please contact your health insurance union.

At some unions, setting a new password with "Forgot your password?" also unlocks the account. If it does not, the page where you set the new password says so.`,
    },
    'password-rules': {
      title: 'What can my password be?',
      body: `A password is 8 to 64 half-width letters, digits and symbols. You can use these symbols:

!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~

A password cannot be:

- the same as your user ID
- the same as your current or temporary password
- a common password that is easy to guess
- built from things that are easy to guess, such as your user ID, your date of birth or the number on your insurance card

Some unions have other rules, such as at least one letter, one digit and one symbol. Please follow what the page that asks for the password says.`,
    },
    'user-id-rules': {
      title: 'What can my user ID be?',
      body: `A user ID is 3 to 255 half-width letters and digits, and "- _ . @". Capital letters are saved as small letters. You cannot take a user ID someone else already uses.

You can change your user ID later under "Profile" in Account settings.`,
    },
    'otp-not-accepted': {
      title: 'I entered the six-digit one-time password but cannot log in',
      body: `If it says "The one-time password is not correct.", please check that:

- you entered the latest code: authenticator apps show a new code every 30 seconds, so enter one just after it changes.
- you have not used the code before: each code works once, so wait for the next one.
- your smartphone sets its date and time automatically: if its clock is off, the codes will be wrong.
- you used the app on the device you chose by name on the login page, if you registered the app on more than one device.
- the authenticator app is working: close it and open it again.
- for one-time passwords by e-mail: the code works for 10 minutes after it is sent. If you asked for it again, use the code in the latest e-mail.

Too many wrong codes in a row lock your account.`,
    },
    'authenticator-apps': {
      title: 'Which authenticator app should I use?',
      body: `Any authenticator app for time-based one-time passwords (TOTP) works, for example Google Authenticator, Microsoft Authenticator or FreeOTP. Install one from your smartphone's app store.

To set it up, go to "Login methods" in Account settings, select "Set up an authenticator app" and scan the QR code with the app. Then enter the six-digit code the app shows, and a device name you will recognise (such as "My phone").`,
    },
    'totp-qr-code': {
      title: 'My authenticator app cannot read the QR code',
      body: `Scan the QR code from inside the authenticator app (with its "Scan a QR code" option or similar), not with your phone's camera app.

If that does not work, select "Cannot scan it?" below the QR code to see a key. Enter the key in your authenticator app by hand and choose "time-based".`,
    },
    passkey: {
      title: 'What is biometrics (a passkey)?',
      body: `A passkey lets you log in with your smartphone's or computer's face recognition, fingerprint or screen lock (such as a PIN). Unlike a password, it cannot be spied on or typed into a fake site.

To set one up, go to "Login methods" in Account settings, select "Set up biometrics (passkey)" and give it a name you will recognise (such as "iPhone" or "Home PC"). Your device needs a screen lock, and your browser needs JavaScript turned on.`,
    },
    'passkey-from-pc': {
      title: 'Can I use the passkey on my smartphone to log in on a computer?',
      body: `Yes. When you use a passkey on the computer's login page, choose the option to use a phone in the browser's window: it shows a QR code. Scan it with the camera of the smartphone that holds your passkey. The computer and the smartphone talk over Bluetooth, so turn Bluetooth on for both.

If it does not work, update your smartphone's system and browser. In case it still fails, it helps to register a passkey on the computer itself too, or another method such as an authenticator app.`,
    },
    'second-device': {
      title: 'Can I use a second smartphone (say, for work and for home)?',
      body: `Yes. You can register two-factor authentication on more than one device. Add the second device's authenticator app or passkey under "Login methods" in Account settings.

If you register authenticator apps on several devices, you choose at login, by device name, which device's code you will enter. Give each one a name you can tell apart.`,
    },
    'remove-device': {
      title: 'Can I remove a device I no longer use?',
      body: `Yes. Under "Login methods" in Account settings, select "Delete" next to the authenticator app or passkey, then "Delete" again to confirm. Check the name and the date it was created, so that you do not delete the device you use.

You cannot delete your only way of two-factor authentication. Set up another one first.`,
    },
    'lost-phone': {
      title: 'I have lost my smartphone, or changed to a new one',
      body: `If you are changing phones and the old one still works, set up the authenticator app or passkey on the new phone first, then delete the old phone.

If you have lost your phone, or the old one no longer works, you can log in:

- with another method you registered (one-time passwords by e-mail, or another device): choose it on the login page.
- with a recovery code, if you have them: enter one in two-step verification on the login page.
- otherwise, contact your health insurance union. Once they reset your two-factor authentication, you set up a login method again at your next login.

Once you are logged in, go to "Login methods" in Account settings, delete the lost device and register your new one. If the lost phone is still logged in, sign it out under "Sessions".`,
    },
    'recovery-codes': {
      title: 'What are recovery codes?',
      body: `Recovery codes stand in for your usual two-factor authentication when you cannot use it, for example after losing your phone. You can create ten at a time under "Login methods" in Account settings.

- The codes are shown only once, right after you create them. Print them or download them as a text file, and keep them where nobody else can see them.
- Each code works only once. When you are running out, generate new codes: all the old ones then stop working.

Some health insurance unions do not offer recovery codes.`,
    },
    'change-method': {
      title: 'I want to change how I log in',
      body: `Under "Profile" in Account settings, choose the method you want as "Login method" and select "Save". If you choose a method you have not set up yet, you set it up straight away.

Add or delete authenticator apps and passkeys under "Login methods". Which methods you can choose depends on your health insurance union.`,
    },
    'change-email': {
      title: 'I want to change my e-mail address',
      body: `Under "Profile" in Account settings, select "Change e-mail address" and enter the new address. We send an e-mail to the new address; until you open the link in it to confirm, your old address stays in use.`,
    },
    'display-name': {
      title: 'My name is shown wrongly',
      body: `Your name is managed by your health insurance union, so you cannot change it yourself. Please contact your union to have it corrected.`,
    },
    'mail-not-arriving': {
      title: 'The e-mail does not arrive',
      body: `Please check:

- your spam or junk folder
- your domain filters or blocked senders, in case they refuse our e-mails (see "Which addresses do your e-mails come from?" for the senders)
- whether your mail app groups messages into threads and has hidden the new e-mail under an older one
- that your registered e-mail address is right (see "Profile" in Account settings)
- for a work address: your company's mail rules may block our e-mails. Consider using a personal address.

If you asked for a confirmation e-mail or a one-time password again, use the latest e-mail: the links and codes in earlier ones no longer work.`,
    },
    'mail-senders': {
      title: 'Which addresses do your e-mails come from?',
      body: `Our e-mails come from these three addresses (the part after @ depends on your health insurance union). If they land in spam, or you limit which senders you accept, please allow these addresses:

- no-reply@: confirming your e-mail address, one-time passwords by e-mail, forgotten passwords and forgotten user IDs
- info@: notification e-mails about new medical expenses, notices and MY mail
- webmaster@: the welcome e-mail when you finish your first login`,
    },
    'pc-use': {
      title: 'Can I use the portal on a computer?',
      body: `Yes. Use an up-to-date browser on a computer, smartphone or tablet.

Depending on your two-factor authentication, you may need your smartphone as well as the computer:

- Authenticator app: you type the code your smartphone's app shows into the login page on the computer.
- Biometrics (passkey): you use the computer's face recognition, fingerprint or PIN, or a passkey on your smartphone.
- One-time password by e-mail: you enter the code from the e-mail. No smartphone needed.`,
    },
    'medical-delay': {
      title: 'I had treatment, but it does not show in my medical expenses',
      body: `Your medical expenses come from the claims medical institutions send to your health insurance union, so they usually appear about three months after treatment, sometimes later, depending on when the institution sends its claim.

- Costs not covered by insurance (such as a private room or private treatment) are not shown.
- A dependant who logs in sees only their own medical expenses.
- The portal shows five years, including this one.

Medical expenses page: ${paths.medical}`,
    },
    'family-medical': {
      title: 'Can I see my family\'s medical expenses?',
      body: `The insured person sees the medical expenses of the whole household, dependants included. With "Filter by month of treatment and patient" you can show one person's.

A dependant who logs in with their own user ID sees only their own medical expenses.`,
    },
    'etax-family-consent': {
      title: 'Why does the e-Tax data include my family?',
      body: `You can claim the medical expenses of family members who share your living expenses together with your own, so the medical expense notice data (e-Tax XML and CSV) covers everyone in your household. As it holds your family's medical information, please make sure they agree before you use it.

It contains only what has been published when you download it. Your most recent treatment may be missing: add it from your receipts.`,
    },
    'notification-settings': {
      title: 'I want to stop (or start) notification e-mails',
      body: `In the notification settings you choose, one by one, whether to get e-mails about new medical expenses, notices and MY mail.

E-mails you need to log in, such as password resets and one-time passwords, are sent whatever your notification settings.`,
    },
  },
});
