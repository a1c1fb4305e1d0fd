"""Function words of our languages: they carry grammar, not meaning.

The knowledge base is small and split over eight languages, so "такое" or "onko" look rare
to IDF and would outweigh the words that matter ("МОМ", "Islanti"). These words keep a small
weight instead. Question words (who, when, where, how, what) are *not* here: they tell
"when is the day" from "what is the day".

Public lists such as stopwords-iso were tried and rejected: they include content words
("work", "help", "home", "работа") that our questions depend on, and have no Icelandic.
Adding a language means adding its function words and question words here.
"""

from __future__ import annotations

from bot.text import fold

_WORDS = {
    "en": """a an the and or but if of to in on at by for with from into about as is are was were
        be been being am do does did doing have has had i me my mine we us our you your he him
        his she her it its they them their this that these those there here im its ive id
        can could would should will shall may might must please hi hello hey thanks thank tell
        know want like get got let lets just also so too very any some s t m d ll re ve""",
    "es": """el la los las un una unos unas y e o u pero si de del al a en con por para sin sobre
        es son era fue ser estar esta estan estoy hay me mi mis te tu tus se su sus lo le les
        nos yo el ella ellos ellas usted ustedes este estos estas ese esa eso esto muy mas
        tambien puede puedo pueden podria hola gracias favor dime decir quiero saber algo""",
    "fi": """ja tai mutta on ovat oli olla olen olet ole ei en et se ne han mina sina me te he minun
        sinun sen niiden tama tuo nama etta kun jos myos vain hyvin voi voiko voin voinko
        voisin kanssa onko ovatko oliko hei kiitos kerro haluan tietaa jo viela nyt siis""",
    "is": """og eda en ad a i um vid fra til med fyrir af er eru var voru vera verid hef hefur
        hafa eg thu hann hun thad thid their thaer mig mer min minn thig ther sinn sin thetta
        thessi thessa sa su ekki lika bara mjog get getur geta ma haegt hallo takk segdu
        vil vita hja sem""",
    "pl": """i a w we z ze na do od o u za po przez dla bez pod nad przed przy ze to ten ta te
        tego tej jest sa byl byla bylo byc bedzie sie mnie mi moj moja moje ty ciebie ci on ona
        ono my wy oni one nas was ich jego jej czy tez tylko bardzo mozna moge moze prosze
        czesc dziekuje powiedz opowiedz chce wiedziec jestem jestes""",
    "ru": """и в во не на я с со а то все она так его но да ты к у же вы за бы по только ее мне
        было вот от меня еще нет о из ему теперь даже ну ли если уже или ни быть был него до
        вас нибудь опять уж вам ведь там потом себя ничего ей может они тут есть надо ней для
        мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда этот того
        потому этого совсем ним здесь этом почти мой тем чтобы нее сейчас были при об хоть
        после над про эти нас всего них эту моя этой перед между такое такой такая это мне
        скажи расскажи пожалуиста привет спасибо хочу знать можно ли являюсь""",
    "uk": """і й та в у на з із зі до від по за для про не ні так це цей ця ці той те я ти він
        вона воно ми ви вони мене мені тебе тобі його її їх нам вам нас вас мій моя моє мої
        свій своя є був була було були бути буде чи ж же би б вже ще тільки також дуже можна
        треба може скажи розкажи будь ласка привіт дякую хочу знати такий таке така""",
    "ar": """في من الى على عن مع هذا هذه ذلك تلك هو هي هم هن انا انت انتم نحن كان كانت يكون
        ان او ثم لا هل قد لقد كل بعض التي الذي الذين عند لدي يا و ف ب ل به بها له لها لي
        اريد اعرف من فضلك مرحبا شكرا""",
    "fr": """le la les l un une des du de d et ou mais si a à au aux en dans sur sous par pour
        avec sans est sont était être avoir ai as avons avez ont je j me m moi tu te t toi il
        elle on nous vous ils elles se s mon ma mes ton ta tes son sa ses notre nos votre vos
        leur leurs ce c cet cette ces ça cela ceci qui que qu ne n pas plus y est-ce peut
        peux puis-je pouvez veux voudrais aimerais savoir dire dis bonjour merci svp stp
        très aussi encore déjà""",
    "fa": """در به از با را که و یا اما اگر این آن ها های هم نیز برای تا بر است هست هستم هستی
        هستیم هستید هستند بود بودم باشد شد شده من تو او ما شما آنها ایشان مرا مرو منو
        خودم خود یک هر همه چند دیگر می نمی خواهم میخواهم میخوام میخواستم لطفا سلام ممنون
        مرسی بگویید بگو بدانم بدونم
        کنم بکنم میکنم کنیم کند کرد کردم بگیرم بگیریم بگیره میگیرم گرفتن بدهم بدم بدیم
        میدهم شوم بشوم بشم میشم شود بشود""",
}

# Single digits say little on their own ("what is 2+2" is not about "Tampere 2.0"); longer
# numbers (years, 23 objectives, 175 states) keep their full weight.
_DIGITS = "0 1 2 3 4 5 6 7 8 9"

STOPWORDS: frozenset[str] = frozenset(
    fold(word) for words in (*_WORDS.values(), _DIGITS) for word in words.split()
)


# Question words: they say what kind of answer is wanted, not what it is about. A question
# that shares only these (and function words) with a phrasing is not about that entry:
# "what is 2+2" is not about "what was discussed at Tampere 2.0".
_QUESTION_WORDS = {
    "en": "what whats who whom whose when where why how which",
    "es": "que quien quienes cuando donde porque como cual cuales cuanto cuanta cuantos cuantas",
    "fi": "mika mita mitka kuka ketka milloin missa mista mihin miksi miten kuinka paljonko",
    "is": "hvad hver hverjir hvenaer hvar hvers hvernig hvada hversu",
    "pl": "co kto kiedy gdzie dlaczego czemu jak jaki jaka jakie ile ktory ktora ktore",
    "ru": "что кто когда где почему зачем как какои какая какие сколько куда откуда",
    "uk": "що хто коли де чому навіщо як якии яка які скільки куди",
    "ar": "ما ماذا من متي اين لماذا كيف اي كم",
    "fr": "que quoi qui quand où ou pourquoi comment quel quelle quels quelles combien",
    "fa": "چه چی چرا کی کجا چطور چگونه کدام چند آیا",
}

QUESTION_WORDS: frozenset[str] = frozenset(
    fold(word) for words in _QUESTION_WORDS.values() for word in words.split()
)
