/// Recognizes a publication's appeal to its reader: the subscribe, follow, support, log-in, app and
/// feedback prompts that sites append to an article ("Subscribe now to our e-edition for the full
/// story.", "Gefällt dir unser Magazin? … unterstütze uns", "Síguenos en Twitter").
///
/// A block is an appeal when it names an action asked of the reader (subscribe, follow, donate, log
/// in, download …) together with a channel (an app, a social network, e-mail) or with words that
/// address the reader or speak for the publication (you, our, dich, unser, nuestro, vous, notre);
/// or when it names a download and two channels ("download our apps for iOS and Android"), or two
/// channels and addresses the reader ("Jetzt kostenlos für iOS und Android, für Sie");
/// or when it states the reader's log-in state. The words are those of the main web languages
/// (English, German, Spanish, French, Italian, Portuguese), not of one site. Only whole tokens
/// count, ASCII letters compared without case.
///
/// The pruner asks this only of the last blocks of the content: the same words in the middle of an
/// article are reporting ("the paper lost 2,000 subscribers"), at its end after the story they are
/// almost always the site talking.
enum ReaderAppeal {
    /// Actions asked of the reader.
    static let actions: TokenHashSet = BoilerplateHints.tokenSet("""
        subscribe subscribed subscriber subscribers subscription subscriptions newsletter newsletters \
        signup login donate donation donations membership follow enjoyed enjoy \
        unlimited paywall premium \
        abonnieren abonniere abonnement abo abonnenten folgen folge folgt unterstützen unterstütze \
        unterstützung spenden spende anmelden registrieren kommentieren gefällt bezahlschranke \
        suscríbete suscribete suscribirse suscripción suscripcion suscriptor suscriptores síguenos siguenos \
        apoya apóyanos apoyanos hazte miembro membresía membresia boletín boletin regístrate registrate \
        abonnez abonnement abonné abonnés inscrivez suivez soutenez soutenir \
        iscriviti abbonati abbonamento seguici sostieni \
        assine assinatura inscreva siga apoie
        """)

    /// Actions that are an appeal only when the reader or the publication is the next word
    /// ("support our journalism", "support us"): German text says "Remote Support" as a noun.
    static let addressedActions: TokenHashSet = BoilerplateHints.tokenSet("support supporting join")

    /// Actions that are an appeal only with a channel ("download our app", not "download the
    /// installer from the project page").
    static let channelActions: TokenHashSet = BoilerplateHints.tokenSet(
        "download herunterladen descarga descargar téléchargez telechargez scarica baixe")

    /// Channels the reader is sent to.
    static let channels: TokenHashSet = BoilerplateHints.tokenSet("""
        twitter facebook instagram whatsapp youtube telegram tiktok linkedin pinterest \
        app apps ios android iphone smartphone tablet email mail rss podcast canal kanal
        """)

    /// Words that address the reader or speak for the publication. German "sie"/"ihr" are left out:
    /// they are also "they" and "her", and the news says those often.
    static let address: TokenHashSet = BoilerplateHints.tokenSet("""
        you your yours us our we \
        dich dir du dein deine deinen deinem euch euer ihnen uns unser unsere unseren unserem unserer wir \
        te tu tus ti nuestro nuestra nuestros nuestras nos vosotros \
        vous votre vos nous notre nos \
        voi vostro nostro nostra \
        você voce nosso nossa
        """)

    /// The reader's log-in state, never article text: "Sie sind aktuell nicht eingeloggt."
    static let loginState: TokenHashSet = BoilerplateHints.tokenSet("eingeloggt einloggen loggen logged")

    /// Is `text` (a block's folded text) an appeal to the reader?
    static func isAppeal(_ text: [UInt8]) -> Bool {
        // Appeals are a sentence or three; a long paragraph that names an app or says "we" is reporting.
        guard text.count <= 320 else { return false }
        var action = false, channelAction = false, addressed = false, login = false
        var pendingAddressedAction = false
        var channelCount = 0
        var i = 0
        let n = text.count
        while i < n {
            while i < n, !Keywords.isWordByte(text[i]) { i += 1 }
            let start = i
            while i < n, Keywords.isWordByte(text[i]) { i += 1 }
            guard i > start else { continue }
            let h = BoilerplateHints.hash(text[start..<i])
            if pendingAddressedAction, address.contains(h) { action = true }
            pendingAddressedAction = addressedActions.contains(h)
            if actions.contains(h) { action = true }
            if channelActions.contains(h) { channelAction = true }
            if channels.contains(h) { channelCount += 1 }
            if address.contains(h) { addressed = true }
            if loginState.contains(h) { login = true }
        }
        if login { return true }
        if action && (addressed || channelCount > 0) { return true }
        if channelAction && channelCount >= 2 { return true }
        return channelCount >= 2 && addressed
    }

    /// Shouted: at least `minimumLetters` ASCII letters (20 by default), nine in ten of them upper
    /// case ("HAZTE MIEMBRO Y DISFRUTA DE BENEFICIOS EXCLUSIVOS").
    static func isShouted(_ text: [UInt8], minimumLetters: Int = 20) -> Bool {
        var upper = 0, lower = 0
        for b in text {
            if b >= 65 && b <= 90 { upper += 1 } else if b >= 97 && b <= 122 { lower += 1 }
        }
        return upper + lower >= minimumLetters && upper * 10 >= (upper + lower) * 9
    }
}
