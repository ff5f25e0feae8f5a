// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Base64Armor
/// @notice Decodes one OpenPGP ASCII-armored block (RFC 4880 section 6.2) in the exact shape openpgp.js 5 and 6 write
///         it, and checks its CRC-24. Accepted, in order:
///         `-----BEGIN <label>-----` NL, NL (an empty line: armor headers such as `Version:` are refused),
///         one or more base64 lines (each at least one character of `A-Z a-z 0-9 + /`; the last may end in one or
///         two `=`), the checksum line `=` and four base64 characters (the CRC-24 of the decoded bytes, init
///         0xB704CE, polynomial 0x864CFB, big-endian; openpgp.js 5 and the Push SDK always write it; it may be
///         absent, as openpgp.js 6 and RFC 9580 omit it, and is checked when present), `-----END <label>-----` NL,
///         and nothing after.
///         NL is the line feed (0x0A), or, for armor that sits JSON-escaped inside a JSON string (the Push Chat SDK's
///         `{"key":"...","signature":"DEPRECATED"}`), the two characters `\n`. CR is not accepted. The base64 text is
///         read as one stream across lines (any line length); the total, padding included, must be a multiple of
///         four characters. Unused low bits of the last character are ignored, as openpgp.js ignores them.
/// @dev Nothing reverts: {decode} returns a status and the offset (in the given text) of the first byte that breaks a
///      rule, so a caller can make that a named error or a verdict. Cost: when the lines before the last have one
///      length (as openpgp.js writes them), about 650 gas per 32 base64 characters of them (read and mapped in one
///      pass); otherwise every line takes the byte-exact path, about 1,600 gas per line; plus about 37 gas per
///      decoded byte for the CRC (eight bytes per step) and about 250 per 24 decoded bytes to pack them.
library Base64Armor {
    /// @notice Outcome of {decode}.
    /// @param Ok the block is well formed and its CRC matches.
    /// @param BadArmor a frame line (BEGIN, blank, checksum, END, line ends) is missing or different.
    /// @param BadBase64 a character outside the base64 alphabet, misplaced padding, or a length that is not a
    ///        multiple of four.
    /// @param BadCrc the CRC-24 of the decoded bytes differs from the checksum line.
    enum Status {
        Ok,
        BadArmor,
        BadBase64,
        BadCrc
    }

    uint256 private constant _L7 = 0x7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f;
    uint256 private constant _H = 0x8080808080808080808080808080808080808080808080808080808080808080;
    uint256 private constant _G41 = 0x3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f;
    uint256 private constant _G5B = 0x2525252525252525252525252525252525252525252525252525252525252525;
    uint256 private constant _G61 = 0x1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f;
    uint256 private constant _G7B = 0x0505050505050505050505050505050505050505050505050505050505050505;
    uint256 private constant _G2F = 0x5151515151515151515151515151515151515151515151515151515151515151;
    uint256 private constant _G30 = 0x5050505050505050505050505050505050505050505050505050505050505050;
    uint256 private constant _G3A = 0x4646464646464646464646464646464646464646464646464646464646464646;
    uint256 private constant _B2B = 0x2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b;
    uint256 private constant _B2F = 0x2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f;
    uint256 private constant _B41 = 0x4141414141414141414141414141414141414141414141414141414141414141;
    uint256 private constant _B47 = 0x4747474747474747474747474747474747474747474747474747474747474747;
    uint256 private constant _B04 = 0x0404040404040404040404040404040404040404040404040404040404040404;
    uint256 private constant _B13 = 0x1313131313131313131313131313131313131313131313131313131313131313;
    uint256 private constant _B10 = 0x1010101010101010101010101010101010101010101010101010101010101010;
    uint256 private constant _B01 = 0x0101010101010101010101010101010101010101010101010101010101010101;

    /// CRC-24 tables for eight bytes at a time: table k (1,024 bytes at offset 1,024 k), entry v (4 bytes,
    /// big-endian): the register after feeding byte v and then k zero bytes to a zero register.
    bytes private constant _CRC_TABLES =
        hex"0000000000864cfb008ad50d000c99f60093e6e10015aa1a001933ec009f7f1700a181390027cdc2002b543400ad18cf"
        hex"003267d800b42b2300b8b2d5003efe2e00c54e8900430272004f9b8400c9d77f0056a86800d0e49300dc7d65005a319e"
        hex"0064cfb000e2834b00ee1abd0068564600f72951007165aa007dfc5c00fbb0a7000cd1e9008a9d12008604e40000481f"
        hex"009f370800197bf30015e2050093aefe00ad50d0002b1c2b002785dd00a1c926003eb63100b8faca00b4633c00322fc7"
        hex"00c99f60004fd39b00434a6d00c50696005a798100dc357a00d0ac8c0056e07700681e5900ee52a200e2cb54006487af"
        hex"00fbf8b8007db44300712db500f7614e0019a3d2009fef29009376df00153a24008a4533000c09c80000903e0086dcc5"
        hex"00b822eb003e6e100032f7e600b4bb1d002bc40a00ad88f100a1110700275dfc00dced5b005aa1a00056385600d074ad"
        hex"004f0bba00c9474100c5deb70043924c007d6c6200fb209900f7b96f0071f59400ee8a830068c67800645f8e00e21375"
        hex"0015723b00933ec0009fa7360019ebcd008694da0000d821000c41d7008a0d2c00b4f3020032bff9003e260f00b86af4"
        hex"002715e300a1591800adc0ee002b8c1500d03cb200567049005ae9bf00dca5440043da5300c596a800c90f5e004f43a5"
        hex"0071bd8b00f7f17000fb6886007d247d00e25b6a0064179100688e6700eec29c003347a400b50b5f00b992a9003fde52"
        hex"00a0a1450026edbe002a744800ac38b30092c69d00148a6600181390009e5f6b0001207c00876c87008bf571000db98a"
        hex"00f6092d007045d6007cdc2000fa90db0065efcc00e3a33700ef3ac10069763a0057881400d1c4ef00dd5d19005b11e2"
        hex"00c46ef50042220e004ebbf800c8f703003f964d00b9dab600b5434000330fbb00ac70ac002a3c570026a5a100a0e95a"
        hex"009e177400185b8f0014c27900928e82000df195008bbd6e008724980001686300fad8c4007c943f00700dc900f64132"
        hex"00693e2500ef72de00e3eb280065a7d3005b59fd00dd150600d18cf00057c00b00c8bf1c004ef3e700426a1100c426ea"
        hex"002ae47600aca88d00a0317b00267d8000b90297003f4e6c0033d79a00b59b61008b654f000d29b40001b0420087fcb9"
        hex"001883ae009ecf55009256a300141a5800efaaff0069e60400657ff200e33309007c4c1e00fa00e500f699130070d5e8"
        hex"004e2bc600c8673d00c4fecb0042b23000ddcd27005b81dc0057182a00d154d10026359f00a0796400ace092002aac69"
        hex"00b5d37e00339f85003f067300b94a880087b4a60001f85d000d61ab008b2d500014524700921ebc009e874a0018cbb1"
        hex"00e37b16006537ed0069ae1b00efe2e000709df700f6d10c00fa48fa007c04010042fa2f00c4b6d400c82f22004e63d9"
        hex"00d11cce00575035005bc9c300dd85380000000000668f4800cd1e9000ab91d8001c71db007afe9300d16f4b00b7e003"
        hex"0038e3b6005e6cfe00f5fd260093726e0024926d00421d2500e98cfd008f03b50071c76c0017482400bcd9fc00da56b4"
        hex"006db6b7000b39ff00a0a82700c6276f004924da002fab9200843a4a00e2b502005555010033da4900984b9100fec4d9"
        hex"00e38ed800850190002e904800481f0000ffff030099704b0032e19300546edb00db6d6e00bde226001673fe0070fcb6"
        hex"00c71cb500a193fd000a0225006c8d6d009249b400f4c6fc005f57240039d86c008e386f00e8b727004326ff0025a9b7"
        hex"00aaaa0200cc254a0067b49200013bda00b6dbd900d05491007bc549001d4a010041514b0027de03008c4fdb00eac093"
        hex"005d2090003bafd800903e0000f6b1480079b2fd001f3db500b4ac6d00d223250065c32600034c6e00a8ddb600ce52fe"
        hex"003096270056196f00fd88b7009b07ff002ce7fc004a68b400e1f96c0087762400087591006efad900c56b0100a3e449"
        hex"0014044a00728b0200d91ada00bf959200a2df9300c450db006fc10300094e4b00beae4800d821000073b0d800153f90"
        hex"009a3c2500fcb36d005722b50031adfd00864dfe00e0c2b6004b536e002ddc2600d318ff00b597b7001e066f00788927"
        hex"00cf692400a9e66c000277b40064f8fc00ebfb49008d74010026e5d900406a9100f78a92009105da003a9402005c1b4a"
        hex"0082a29600e42dde004fbc060029334e009ed34d00f85c050053cddd0035429500ba412000dcce6800775fb00011d0f8"
        hex"00a630fb00c0bfb3006b2e6b000da12300f365fa0095eab2003e7b6a0058f42200ef142100899b6900220ab1004485f9"
        hex"00cb864c00ad0904000698dc0060179400d7f79700b178df001ae907007c664f00612c4e0007a30600ac32de00cabd96"
        hex"007d5d95001bd2dd00b0430500d6cc4d0059cff8003f40b00094d16800f25e200045be230023316b0088a0b300ee2ffb"
        hex"0010eb220076646a00ddf5b200bb7afa000c9af9006a15b100c1846900a70b2100280894004e87dc00e516040083994c"
        hex"0034794f0052f60700f967df009fe89700c3f3dd00a57c95000eed4d0068620500df820600b90d4e00129c96007413de"
        hex"00fb106b009d9f2300360efb005081b300e761b00081eef8002a7f20004cf06800b234b100d4bbf9007f2a210019a569"
        hex"00ae456a00c8ca2200635bfa0005d4b2008ad70700ec584f0047c997002146df0096a6dc00f02994005bb84c003d3704"
        hex"00207d050046f24d00ed6395008becdd003c0cde005a839600f1124e00979d0600189eb3007e11fb00d5802300b30f6b"
        hex"0004ef680062602000c9f1f800af7eb00051ba6900373521009ca4f900fa2bb1004dcbb2002b44fa0080d52200e65a6a"
        hex"006959df000fd69700a4474f00c2c807007528040013a74c00b8369400deb9dc00000000008309d700805f5500035682"
        hex"0086f2510005fb860006ad040085a4d3008ba8590008a18e000bf70c0088fedb000d5a08008e53df008d055d000e0c8a"
        hex"00911c490012159e0011431c00924acb0017ee180094e7cf0097b14d0014b89a001ab4100099bdc7009aeb450019e292"
        hex"009c4641001f4f96001c1914009f10c300a4746900277dbe00242b3c00a722eb0022863800a18fef00a2d96d0021d0ba"
        hex"002fdc3000acd5e700af8365002c8ab200a92e61002a27b60029713400aa78e30035682000b661f700b5377500363ea2"
        hex"00b39a71003093a60033c52400b0ccf300bec079003dc9ae003e9f2c00bd96fb0038322800bb3bff00b86d7d003b64aa"
        hex"00cea429004dadfe004efb7c00cdf2ab0048567800cb5faf00c8092d004b00fa00450c7000c605a700c5532500465af2"
        hex"00c3fe210040f7f60043a17400c0a8a3005fb86000dcb1b700dfe735005ceee200d94a31005a43e60059156400da1cb3"
        hex"00d41039005719ee00544f6c00d746bb0052e26800d1ebbf00d2bd3d0051b4ea006ad04000e9d99700ea8f15006986c2"
        hex"00ec2211006f2bc6006c7d4400ef749300e17819006271ce0061274c00e22e9b00678a4800e4839f00e7d51d0064dcca"
        hex"00fbcc090078c5de007b935c00f89a8b007d3e5800fe378f00fd610d007e68da0070645000f36d8700f03b05007332d2"
        hex"00f6960100759fd60076c95400f5c083001b04a900980d7e009b5bfc0018522b009df6f8001eff2f001da9ad009ea07a"
        hex"0090acf00013a5270010f3a50093fa7200165ea100955776009601f400150823008a18e000091137000a47b500894e62"
        hex"000ceab1008fe366008cb5e4000fbc330001b0b90082b96e0081efec0002e63b008742e800044b3f00071dbd0084146a"
        hex"00bf70c0003c7917003f2f9500bc26420039829100ba8b4600b9ddc4003ad4130034d89900b7d14e00b487cc00378e1b"
        hex"00b22ac80031231f0032759d00b17c4a002e6c8900ad655e00ae33dc002d3a0b00a89ed8002b970f0028c18d00abc85a"
        hex"00a5c4d00026cd0700259b8500a692520023368100a03f5600a369d40020600300d5a0800056a9570055ffd500d6f602"
        hex"005352d100d05b0600d30d8400500453005e08d900dd010e00de578c005d5e5b00d8fa88005bf35f0058a5dd00dbac0a"
        hex"0044bcc900c7b51e00c4e39c0047ea4b00c24e980041474f004211cd00c1181a00cf1490004c1d47004f4bc500cc4212"
        hex"0049e6c100caef1600c9b994004ab0430071d4e900f2dd3e00f18bbc0072826b00f726b800742f6f007779ed00f4703a"
        hex"00fa7cb000797567007a23e500f92a32007c8ee100ff873600fcd1b4007fd86300e0c8a00063c177006097f500e39e22"
        hex"00663af100e5332600e665a400656c73006b60f900e8692e00eb3fac0068367b00ed92a8006e9b7f006dcdfd00eec42a"
        hex"0000000000360952006c12a4005a1bf600d8254800ee2c1a00b437ec00823ebe0036066b00000f39005a14cf006c1d9d"
        hex"00ee232300d82a710082318700b438d5006c0cd6005a058400001e720036172000b4299e008220cc00d83b3a00ee3268"
        hex"005a0abd006c03ef003618190000114b00822ff500b426a700ee3d5100d8340300d819ac00ee10fe00b40b080082025a"
        hex"00003ce4003635b6006c2e40005a271200ee1fc700d8169500820d6300b4043100363a8f000033dd005a282b006c2179"
        hex"00b4157a00821c2800d807de00ee0e8c006c3032005a39600000229600362bc40082131100b41a4300ee01b500d808e7"
        hex"005a3659006c3f0b003624fd00002daf00367fa3000076f1005a6d07006c645500ee5aeb00d853b90082484f00b4411d"
        hex"000079c80036709a006c6b6c005a623e00d85c8000ee55d200b44e2400824776005a7375006c7a27003661d100006883"
        hex"0082563d00b45f6f00ee449900d84dcb006c751e005a7c4c000067ba00366ee800b450560082590400d842f200ee4ba0"
        hex"00ee660f00d86f5d008274ab00b47df90036434700004a15005a51e3006c58b100d8606400ee693600b472c000827b92"
        hex"0000452c00364c7e006c5788005a5eda00826ad900b4638b00ee787d00d8712f005a4f91006c46c300365d3500005467"
        hex"00b46cb2008265e000d87e1600ee7744006c49fa005a40a800005b5e0036520c006cff46005af6140000ede20036e4b0"
        hex"00b4da0e0082d35c00d8c8aa00eec1f8005af92d006cf07f0036eb890000e2db0082dc6500b4d53700eecec100d8c793"
        hex"0000f3900036fac2006ce134005ae86600d8d6d800eedf8a00b4c47c0082cd2e0036f5fb0000fca9005ae75f006cee0d"
        hex"00eed0b300d8d9e10082c21700b4cb4500b4e6ea0082efb800d8f44e00eefd1c006cc3a2005acaf00000d1060036d854"
        hex"0082e08100b4e9d300eef22500d8fb77005ac5c9006ccc9b0036d76d0000de3f00d8ea3c00eee36e00b4f8980082f1ca"
        hex"0000cf740036c626006cddd0005ad48200eeec5700d8e5050082fef300b4f7a10036c91f0000c04d005adbbb006cd2e9"
        hex"005a80e5006c89b70036924100009b130082a5ad00b4acff00eeb70900d8be5b006c868e005a8fdc0000942a00369d78"
        hex"00b4a3c60082aa9400d8b16200eeb83000368c3300008561005a9e97006c97c500eea97b00d8a0290082bbdf00b4b28d"
        hex"00008a580036830a006c98fc005a91ae00d8af1000eea64200b4bdb40082b4e60082994900b4901b00ee8bed00d882bf"
        hex"005abc01006cb5530036aea50000a7f700b49f220082967000d88d8600ee84d4006cba6a005ab3380000a8ce0036a19c"
        hex"00ee959f00d89ccd0082873b00b48e690036b0d70000b985005aa273006cab2100d893f400ee9aa600b4815000828802"
        hex"0000b6bc0036bfee006ca418005aad4a0000000000d9fe8c0035b1e300ec4f6f006b63c600b29d4a005ed22500872ca9"
        hex"00d6c78c000f390000e3766f003a88e300bda44a00645ac6008815a90051eb25002bc3e300f23d6f001e720000c78c8c"
        hex"0040a02500995ea9007511c600acef4a00fd046f0024fae300c8b58c00114b00009667a9004f992500a3d64a007a28c6"
        hex"005787c6008e794a0062362500bbc8a9003ce40000e51a8c000955e300d0ab6f0081404a0058bec600b4f1a9006d0f25"
        hex"00ea238c0033dd0000df926f00066ce3007c442500a5baa90049f5c600900b4a001727e300ced96f0022960000fb688c"
        hex"00aa83a900737d25009f324a0046ccc600c1e06f00181ee300f4518c002daf0000af0f8c0076f100009abe6f004340e3"
        hex"00c46c4a001d92c600f1dda9002823250079c80000a0368c004c79e30095876f0012abc600cb554a00271a2500fee4a9"
        hex"0084cc6f005d32e300b17d8c0068830000efafa90036512500da1e4a0003e0c600520be3008bf56f0067ba0000be448c"
        hex"0039682500e096a9000cd9c600d5274a00f8884a002176c600cd39a90014c7250093eb8c004a150000a65a6f007fa4e3"
        hex"002e4fc600f7b14a001bfe2500c200a900452c00009cd28c00709de300a9636f00d34ba9000ab52500e6fa4a003f04c6"
        hex"00b8286f0061d6e3008d998c0054670000058c2500dc72a900303dc600e9c34a006eefe300b7116f005b5e000082a08c"
        hex"00d853e30001ad6f00ede20000341c8c00b33025006acea9008681c6005f7f4a000e946f00d76ae3003b258c00e2db00"
        hex"0065f7a900bc09250050464a0089b8c600f39000002a6e8c00c621e3001fdf6f0098f3c600410d4a00ad42250074bca9"
        hex"0025578c00fca9000010e66f00c918e3004e344a0097cac6007b85a900a27b25008fd42500562aa900ba65c600639b4a"
        hex"00e4b7e3003d496f00d106000008f88c005913a90080ed25006ca24a00b55cc60032706f00eb8ee30007c18c00de3f00"
        hex"00a417c6007de94a0091a625004858a900cf740000168a8c00fac5e300233b6f0072d04a00ab2ec6004761a9009e9f25"
        hex"0019b38c00c04d00002c026f00f5fce300775c6f00aea2e30042ed8c009b1300001c3fa900c5c12500298e4a00f070c6"
        hex"00a19be30078656f00942a00004dd48c00caf825001306a900ff49c60026b74a005c9f8c0085610000692e6f00b0d0e3"
        hex"0037fc4a00ee02c600024da900dbb325008a58000053a68c00bfe9e30066176f00e13bc60038c54a00d48a25000d74a9"
        hex"0020dba900f9252500156a4a00cc94c6004bb86f009246e3007e098c00a7f70000f61c25002fe2a900c3adc6001a534a"
        hex"009d7fe30044816f00a8ce000071308c000b184a00d2e6c6003ea9a900e7572500607b8c00b985000055ca6f008c34e3"
        hex"00dddfc60004214a00e86e25003190a900b6bc00006f428c00830de3005af36f000000000036eb3d006dd67a005b3d47"
        hex"00dbacf400ed47c900b67a8e008091b3003115130007fe2e005cc369006a285400eab9e700dc52da00876f9d00b184a0"
        hex"00622a260054c11b000ffc5c0039176100b986d2008f6def00d450a800e2bb9500533f350065d408003ee94f00080272"
        hex"008893c100be78fc00e545bb00d3ae8600c4544c00f2bf7100a98236009f690b001ff8b80029138500722ec20044c5ff"
        hex"00f5415f00c3aa620098972500ae7c18002eedab0018069600433bd10075d0ec00a67e6a0090955700cba81000fd432d"
        hex"007dd29e004b39a3001004e40026efd900976b7900a1804400fabd0300cc563e004cc78d007a2cb0002111f70017faca"
        hex"000ee46300380f5e006332190055d92400d5489700e3a3aa00b89eed008e75d0003ff17000091a4d0052270a0064cc37"
        hex"00e45d8400d2b6b900898bfe00bf60c3006cce45005a25780001183f0037f30200b762b10081898c00dab4cb00ec5ff6"
        hex"005ddb56006b306b00300d2c0006e611008677a200b09c9f00eba1d800dd4ae500cab02f00fc5b1200a7665500918d68"
        hex"00111cdb0027f7e6007ccaa1004a219c00fba53c00cd4e010096734600a0987b002009c80016e2f5004ddfb2007b348f"
        hex"00a89a09009e713400c54c7300f3a74e007336fd0045ddc0001ee08700280bba00998f1a00af642700f4596000c2b25d"
        hex"004223ee0074c8d3002ff59400191ea9001dc8c6002b23fb00701ebc0046f58100c6643200f08f0f00abb248009d5975"
        hex"002cddd5001a36e800410baf0077e09200f7712100c19a1c009aa75b00ac4c66007fe2e0004909dd0012349a0024dfa7"
        hex"00a44e140092a52900c9986e00ff7353004ef7f300781cce002321890015cab400955b0700a3b03a00f88d7d00ce6640"
        hex"00d99c8a00ef77b700b44af00082a1cd0002307e0034db43006fe60400590d3900e8899900de62a400855fe300b3b4de"
        hex"0033256d0005ce50005ef3170068182a00bbb6ac008d5d9100d660d600e08beb00601a580056f165000dcc22003b271f"
        hex"008aa3bf00bc488200e775c500d19ef800510f4b0067e476003cd931000a320c00132ca50025c798007efadf004811e2"
        hex"00c8805100fe6b6c00a5562b0093bd16002239b60014d28b004fefcc007904f100f9954200cf7e7f0094433800a2a805"
        hex"007106830047edbe001cd0f9002a3bc400aaaa77009c414a00c77c0d00f19730004013900076f8ad002dc5ea001b2ed7"
        hex"009bbf6400ad545900f6691e00c0822300d778e900e193d400baae93008c45ae000cd41d003a3f20006102670057e95a"
        hex"00e66dfa00d086c7008bbb8000bd50bd003dc10e000b2a33005017740066fc4900b552cf0083b9f200d884b500ee6f88"
        hex"006efe3b00581506000328410035c37c008447dc00b2ace100e991a600df7a9b005feb280069001500323d520004d66f"
        hex"00000000003b918c00772318004cb29400ee463000d5d7bc0099652800a2f4a4005ac09b00615117002de3830016720f"
        hex"00b486ab008f172700c3a5b300f8343f00b58136008e10ba00c2a22e00f933a2005bc7060060568a002ce41e00177592"
        hex"00ef41ad00d4d021009862b500a3f3390001079d003a961100762485004db50900ed4e9700d6df1b009a6d8f00a1fc03"
        hex"000308a70038992b00742bbf004fba3300b78e0c008c1f8000c0ad1400fb3c980059c83c006259b0002eeb2400157aa8"
        hex"0058cfa100635e2d002fecb900147d3500b68991008d181d00c1aa8900fa3b0500020f3a00399eb600752c22004ebdae"
        hex"00ec490a00d7d886009b6a1200a0fb9e005cd1d500674059002bf2cd0010634100b297e50089066900c5b4fd00fe2571"
        hex"0006114e003d80c200713256004aa3da00e8577e00d3c6f2009f746600a4e5ea00e950e300d2c16f009e73fb00a5e277"
        hex"000716d3003c875f007035cb004ba44700b39078008801f400c4b36000ff22ec005dd648006647c4002af550001164dc"
        hex"00b19f42008a0ece00c6bc5a00fd2dd6005fd972006448fe0028fa6a00136be600eb5fd900d0ce55009c7cc100a7ed4d"
        hex"000519e9003e886500723af10049ab7d00041e74003f8ff800733d6c0048ace000ea584400d1c9c8009d7b5c00a6ead0"
        hex"005edeef00654f630029fdf700126c7b00b098df008b095300c7bbc700fc2a4b00b9a3aa0082322600ce80b200f5113e"
        hex"0057e59a006c74160020c682001b570e00e3633100d8f2bd0094402900afd1a5000d25010036b48d007a061900419795"
        hex"000c229c0037b310007b01840040900800e264ac00d9f520009547b400aed6380056e207006d738b0021c11f001a5093"
        hex"00b8a437008335bb00cf872f00f416a30054ed3d006f7cb10023ce2500185fa900baab0d00813a8100cd881500f61999"
        hex"000e2da60035bc2a00790ebe00429f3200e06b9600dbfa1a0097488e00acd90200e16c0b00dafd8700964f1300adde9f"
        hex"000f2a3b0034bbb700780923004398af00bbac9000803d1c00cc8f8800f71e040055eaa0006e7b2c0022c9b800195834"
        hex"00e5727f00dee3f30092516700a9c0eb000b344f0030a5c3007c1757004786db00bfb2e40084236800c891fc00f30070"
        hex"0051f4d4006a65580026d7cc001d46400050f349006b62c50027d051001c41dd00beb579008524f500c9966100f207ed"
        hex"000a33d20031a25e007d10ca0046814600e475e200dfe46e009356fa00a8c77600083ce80033ad64007f1ff000448e7c"
        hex"00e67ad800ddeb54009159c000aac84c0052fc7300696dff0025df6b001e4ee700bcba4300872bcf00cb995b00f008d7"
        hex"00bdbdde00862c5200ca9ec600f10f4a0053fbee00686a620024d8f6001f497a00e77d4500dcecc900905e5d00abcfd1"
        hex"00093b750032aaf9007e186d004589e10000000000f50baf006c5ba50099500a00d8b74a002dbce500b4ecef0041e740"
        hex"0037226f00c229c0005b79ca00ae726500ef9525001a9e8a0083ce800076c52f006e44de009b4f7100021f7b00f714d4"
        hex"00b6f3940043f83b00daa831002fa39e005966b100ac6d1e00353d1400c036bb0081d1fb0074da5400ed8a5e001881f1"
        hex"00dc89bc0029821300b0d2190045d9b600043ef600f1355900686553009d6efc00ebabd3001ea07c0087f0760072fbd9"
        hex"00331c9900c61736005f473c00aa4c9300b2cd620047c6cd00de96c7002b9d68006a7a28009f71870006218d00f32a22"
        hex"0085ef0d0070e4a200e9b4a8001cbf07005d584700a853e8003103e200c4084d003f5f8300ca542c0053042600a60f89"
        hex"00e7e8c90012e366008bb36c007eb8c300087dec00fd76430064264900912de600d0caa60025c10900bc910300499aac"
        hex"00511b5d00a410f2003d40f800c84b570089ac17007ca7b800e5f7b20010fc1d006639320093329d000a629700ff6938"
        hex"00be8e78004b85d700d2d5dd0027de7200e3d63f0016dd90008f8d9a007a8635003b617500ce6ada00573ad000a2317f"
        hex"00d4f4500021ffff00b8aff5004da45a000c431a00f948b5006018bf00951310008d92e10078994e00e1c9440014c2eb"
        hex"005525ab00a02e0400397e0e00cc75a100bab08e004fbb2100d6eb2b0023e084006207c400970c6b000e5c6100fb57ce"
        hex"007ebf06008bb4a90012e4a300e7ef0c00a6084c005303e300ca53e9003f584600499d6900bc96c60025c6cc00d0cd63"
        hex"00912a230064218c00fd718600087a290010fbd800e5f077007ca07d0089abd200c84c92003d473d00a4173700511c98"
        hex"0027d9b700d2d218004b821200be89bd00ff6efd000a65520093355800663ef700a236ba00573d1500ce6d1f003b66b0"
        hex"007a81f0008f8a5f0016da5500e3d1fa009514d500601f7a00f94f70000c44df004da39f00b8a8300021f83a00d4f395"
        hex"00cc7264003979cb00a029c10055226e0014c52e00e1ce8100789e8b008d952400fb500b000e5ba400970bae00620001"
        hex"0023e74100d6ecee004fbce400bab74b0041e08500b4eb2a002dbb2000d8b08f009957cf006c5c6000f50c6a000007c5"
        hex"0076c2ea0083c945001a994f00ef92e000ae75a0005b7e0f00c22e05003725aa002fa45b00daaff40043fffe00b6f451"
        hex"00f71311000218be009b48b4006e431b0018863400ed8d9b0074dd910081d63e00c0317e00353ad100ac6adb00596174"
        hex"009d69390068629600f1329c000439330045de7300b0d5dc002985d600dc8e7900aa4b56005f40f900c610f300331b5c"
        hex"0072fc1c0087f7b3001ea7b900ebac1600f32de700062648009f7642006a7ded002b9aad00de91020047c10800b2caa7"
        hex"00c40f880031042700a8542d005d5f82001cb8c200e9b36d0070e3670085e8c8";

    /// @notice Lines {decodeLines} read on its fast path: `text[start..end)` is whole lines, each `len` base64
    ///         characters and a line end (LF, or `\n` in JSON-escaped armor). Empty (start == end) when none.
    struct Lines {
        uint256 start;
        uint256 end;
        uint256 len;
    }

    /// Where {decode} is in the text, and the lines its fast path read.
    struct Cursor {
        uint256 p;
        uint256 end;
        bool json;
        Lines lines;
    }

    /// @notice Decodes the armored block `text[start:end)` whose label is `label` (e.g. `PGP PUBLIC KEY BLOCK`).
    /// @param jsonEscaped true when line ends are the two characters `\n` (armor inside a JSON string), false for LF.
    /// @return status {Status.Ok} or the first rule broken.
    /// @return offset index in `text` of the first byte that breaks the rule (0 for Ok).
    /// @return data the decoded bytes (only when Ok; empty otherwise).
    function decode(
        bytes memory text,
        uint256 start,
        uint256 end,
        bytes memory label,
        bool jsonEscaped
    ) internal pure returns (Status status, uint256 offset, bytes memory data) {
        (status, offset, data, ) = decodeLines(text, start, end, label, jsonEscaped);
    }

    /// @notice {decode}, and the run of whole lines of one length it read on its fast path (whatever the status):
    ///         they hold only base64 characters and line ends, so a caller may copy or escape them by their shape.
    function decodeLines(
        bytes memory text,
        uint256 start,
        uint256 end,
        bytes memory label,
        bool jsonEscaped
    ) internal pure returns (Status status, uint256 offset, bytes memory data, Lines memory lines) {
        Cursor memory c = Cursor(start, end, jsonEscaped, Lines(0, 0, 0));
        (status, offset, data) = _decode(text, c, label);
        lines = c.lines;
    }

    function _decode(
        bytes memory text,
        Cursor memory c,
        bytes memory label
    ) private pure returns (Status status, uint256 offset, bytes memory data) {
        uint256 start = c.p;
        uint256 end = c.end;
        if (end > text.length || start > end) return (Status.BadArmor, start, data);
        // BEGIN line and the empty line after it.
        if (!_frame(text, c, "-----BEGIN ", label) || !_nl(text, c)) return (Status.BadArmor, c.p, data);
        // Base64 lines: their characters, mapped to 6-bit values, are gathered in `data` (long enough: fewer values
        // than text bytes).
        data = new bytes(end - c.p + 32);
        uint256 values;
        uint256 pad;
        (status, values, pad) = _body(text, c, data);
        if (status != Status.Ok) return (status, c.p, _empty());
        // Optional checksum line ('=' and four base64 characters), END line, nothing after.
        bool hasCrc = c.p < end && _byteAt(text, c.p) == 0x3d;
        uint256 expected;
        uint256 crcAt = c.p;
        if (hasCrc) {
            bool crcOk;
            (crcOk, expected) = _crcLine(text, c.p + 1, end);
            if (!crcOk) return (Status.BadArmor, c.p, _empty());
            c.p += 5;
            if (!_nl(text, c)) return (Status.BadArmor, c.p, _empty());
        }
        if (!_frame(text, c, "-----END ", label) || c.p != end) return (Status.BadArmor, c.p, _empty());
        _pack(data, values, pad);
        if (hasCrc && crc24(data) != expected) return (Status.BadCrc, crcAt, _empty());
        return (Status.Ok, 0, data);
    }

    /// {_lines}, through {_fullLines} first: the same result, cheaper when the lines before the last have one length.
    function _body(
        bytes memory text,
        Cursor memory c,
        bytes memory data
    ) private pure returns (Status status, uint256 values, uint256 pad) {
        uint256 first = c.p;
        (bool fast, uint256 p2, uint256 q2) = _fullLines(text, first, c.end, c.json, data);
        status = Status.BadArmor;
        if (fast) {
            if (p2 > first) {
                // n lines of L characters and a line end: p2 - first = n (L + nl), q2 = n L.
                uint256 n = (p2 - first - q2) / (c.json ? 2 : 1);
                c.lines = Lines(first, p2, q2 / n);
            }
            c.p = p2;
            (status, values, pad) = _lines(text, c, data, q2);
        }
        if (status != Status.Ok) {
            c.p = first;
            (status, values, pad) = _lines(text, c, data, 0);
        }
    }

    /// Fast path for the lines before the last: when the first line from `p` has L (4..160) base64 characters,
    /// maps the characters of every following line that is L characters and a line end to 6-bit values in `data`
    /// (from its start). Returns (true, the position of the first line that is not such
    /// a line, the number of values written), or (false, _, _) if a copied character is not base64; {_lines} then reads
    /// the text from `p` itself. Whatever it accepts, {_lines} would read the same way (same values, same end).
    function _fullLines(
        bytes memory text,
        uint256 p,
        uint256 end,
        bool json,
        bytes memory data
    ) private pure returns (bool ok, uint256 p2, uint256 q2) {
        assembly {
            // Per byte of w: its 6-bit value, and bit 7 of inv set when it is not a base64 character.
            // value = x + 19 - 3 [x >= '/'] - 12 [x >= '0'] - 69 [x >= 'A'] - 6 [x >= 'a'] never borrows (for
            // any x < 0x80), and bit 7 of `x + C` is [x >= 0x80 - C].
            function sixBits(w) -> val, inv {
                let x7 := and(w, _L7)
                let a := add(x7, _G2F)
                let valid := and(a, not(add(x7, _G3A)))
                let v := mul(shr(7, and(a, _H)), 3)
                v := add(v, mul(shr(7, and(add(x7, _G30), _H)), 12))
                a := add(x7, _G41)
                valid := or(valid, and(a, not(add(x7, _G5B))))
                v := add(v, mul(shr(7, and(a, _H)), 69))
                a := add(x7, _G61)
                valid := or(valid, and(a, not(add(x7, _G7B))))
                v := add(v, mul(shr(7, and(a, _H)), 6))
                let y := xor(w, _B2B)
                valid := or(valid, not(or(add(and(y, _L7), _L7), y)))
                inv := and(or(not(valid), w), _H)
                val := sub(add(x7, _B13), v)
            }
            let base := add(text, 32)
            let nlLen := add(1, json)
            let nlByte := 0x0a
            if json {
                nlByte := 0x5c
            }
            // L = distance to the first line-end byte, found one word at a time.
            let len := 0
            {
                let bnl := mul(nlByte, _B01)
                for {
                    let i := 0
                } lt(i, 160) {
                    i := add(i, 32)
                } {
                    let y := xor(mload(add(base, add(p, i))), bnl)
                    let z := and(not(or(add(and(y, _L7), _L7), y)), _H)
                    if z {
                        let k := 0
                        if iszero(shr(128, z)) {
                            k := 16
                            z := shl(128, z)
                        }
                        if iszero(shr(192, z)) {
                            k := add(k, 8)
                            z := shl(64, z)
                        }
                        if iszero(shr(224, z)) {
                            k := add(k, 4)
                            z := shl(32, z)
                        }
                        if iszero(shr(240, z)) {
                            k := add(k, 2)
                            z := shl(16, z)
                        }
                        if iszero(shr(248, z)) {
                            k := add(k, 1)
                        }
                        len := add(i, k)
                        break
                    }
                }
            }
            let q0 := add(data, 32)
            let q := q0
            p2 := p
            ok := 1
            if gt(len, 3) {
                let json_ := json
                for {} 1 {} {
                    let e := add(p2, len)
                    if gt(add(e, nlLen), end) {
                        break
                    }
                    let t := mload(add(base, e))
                    switch json_
                    case 0 {
                        if iszero(eq(byte(0, t), 0x0a)) {
                            break
                        }
                    }
                    default {
                        if iszero(eq(shr(240, t), 0x5c6e)) {
                            break
                        }
                    }
                    // The line's characters -> 6-bit values at q; any other byte: not this path. Per byte,
                    // value = x + 19 - 3 [x >= '/'] - 12 [x >= '0'] - 69 [x >= 'A'] - 6 [x >= 'a'] (no borrow
                    // for a base64 character), and bit 7 of `a + C` is [x >= 0x80 - C] for x < 0x80.
                    let from := add(base, p2)
                    for {
                        let i := 0
                    } lt(i, len) {
                        i := add(i, 32)
                    } {
                        let val, inv := sixBits(mload(add(from, i)))
                        let rem := sub(len, i)
                        if lt(rem, 32) {
                            inv := and(inv, not(shr(shl(3, rem), not(0))))
                        }
                        if inv {
                            ok := 0
                            break
                        }
                        mstore(add(q, i), val)
                    }
                    if iszero(ok) {
                        break
                    }
                    q := add(q, len)
                    p2 := add(e, nlLen)
                }
            }
            q2 := sub(q, q0)
        }
    }

    /// Reads the base64 lines from `c.p` into `data` as 6-bit values, after the `q0` values already there; returns
    /// the number of values (`q0` included) and of padding characters, with `c.p` at the checksum line or the END
    /// line (or at the first byte that breaks a rule).
    function _lines(
        bytes memory text,
        Cursor memory c,
        bytes memory data,
        uint256 q0
    ) private pure returns (Status, uint256 values, uint256 pad) {
        uint256 p = c.p;
        uint256 end = c.end;
        bool json = c.json;
        uint256 q;
        uint256 code; // 0 fine, 1 BadArmor, 2 BadBase64
        assembly {
            // Copies the run of base64 characters at p (up to the first other byte, or end), mapped to their 6-bit
            // values, to q; returns the positions after it.
            function gather(base, p_, end_, q_) -> p2, q2 {
                p2 := p_
                q2 := q_
                for {} 1 {} {
                    let w := mload(add(base, p2))
                    let x7 := and(w, _L7)
                    // Bit 7 of each byte: byte >= k (bytes >= 0x80 count as >= every k).
                    let upper := and(and(or(add(x7, _G41), w), not(or(add(x7, _G5B), w))), _H)
                    let lower := and(and(or(add(x7, _G61), w), not(or(add(x7, _G7B), w))), _H)
                    let digit := and(and(or(add(x7, _G30), w), not(or(add(x7, _G3A), w))), _H)
                    let y := xor(w, _B2B)
                    let plus := and(not(or(add(and(y, _L7), _L7), y)), _H)
                    y := xor(w, _B2F)
                    let slash := and(not(or(add(and(y, _L7), _L7), y)), _H)
                    let inv := xor(or(or(upper, lower), or(digit, or(plus, slash))), _H)
                    let rem := sub(end_, p2)
                    if lt(rem, 32) {
                        inv := or(inv, and(shr(mul(rem, 8), not(0)), _H))
                    }
                    // value = byte - S + A per byte, without borrow or carry across bytes.
                    mstore(
                        q2,
                        add(
                            sub(
                                w,
                                or(and(mul(shr(7, upper), 0xff), _B41), and(mul(shr(7, lower), 0xff), _B47))
                            ),
                            or(
                                and(mul(shr(7, digit), 0xff), _B04),
                                or(and(mul(shr(7, plus), 0xff), _B13), and(mul(shr(7, slash), 0xff), _B10))
                            )
                        )
                    )
                    if iszero(inv) {
                        p2 := add(p2, 32)
                        q2 := add(q2, 32)
                        continue
                    }
                    let k := 0
                    if iszero(shr(128, inv)) {
                        k := 16
                        inv := shl(128, inv)
                    }
                    if iszero(shr(192, inv)) {
                        k := add(k, 8)
                        inv := shl(64, inv)
                    }
                    if iszero(shr(224, inv)) {
                        k := add(k, 4)
                        inv := shl(32, inv)
                    }
                    if iszero(shr(240, inv)) {
                        k := add(k, 2)
                        inv := shl(16, inv)
                    }
                    if iszero(shr(248, inv)) {
                        k := add(k, 1)
                    }
                    p2 := add(p2, k)
                    q2 := add(q2, k)
                    break
                }
            }
            // True when a line end is at p: LF, or the two characters `\n` in JSON-escaped armor.
            function isNl(base, p_, end_, json_) -> r {
                let t := mload(add(base, p_))
                switch json_
                case 0 {
                    r := and(lt(p_, end_), eq(byte(0, t), 0x0a))
                }
                default {
                    r := and(lt(add(p_, 1), end_), and(eq(byte(0, t), 0x5c), eq(byte(1, t), 0x6e)))
                }
            }
            let base := add(text, 32)
            let nlLen := add(1, json)
            q := add(add(data, 32), q0)
            for {} 1 {} {
                if iszero(lt(p, end)) {
                    code := 1
                    break
                }
                let first := byte(0, mload(add(base, p)))
                // '=' or '-' at a line start: the checksum or END line.
                if or(eq(first, 0x3d), eq(first, 0x2d)) {
                    break
                }
                let lineStart := p
                p, q := gather(base, p, end, q)
                if iszero(lt(p, end)) {
                    code := 1
                    break
                }
                if isNl(base, p, end, json) {
                    if eq(p, lineStart) {
                        code := 1
                        break
                    }
                    p := add(p, nlLen)
                    continue
                }
                let t := mload(add(base, p))
                if or(eq(p, lineStart), iszero(eq(byte(0, t), 0x3d))) {
                    code := 2
                    break
                }
                // Padding at the end of the last line, then a line end.
                pad := 1
                p := add(p, 1)
                if and(lt(p, end), eq(byte(1, t), 0x3d)) {
                    pad := 2
                    p := add(p, 1)
                }
                if iszero(isNl(base, p, end, json)) {
                    code := 2
                    break
                }
                p := add(p, nlLen)
                break
            }
        }
        c.p = p;
        if (code == 1) return (Status.BadArmor, 0, 0);
        if (code == 2) return (Status.BadBase64, 0, 0);
        uint256 qStart;
        assembly {
            qStart := add(data, 32)
        }
        values = q - qStart;
        uint256 n = values + pad;
        if (n == 0 || n % 4 != 0) return (Status.BadBase64, 0, 0);
        return (Status.Ok, values, pad);
    }

    /// Packs the `values` 6-bit values at the start of `data` (plus `pad` zero values) into bytes, in place, and
    /// sets the length of `data` to the decoded length.
    function _pack(bytes memory data, uint256 values, uint256 pad) private pure {
        uint256 n = values + pad;
        uint256 outLen = (n / 4) * 3 - pad;
        assembly {
            let qStart := add(data, 32)
            mstore(add(qStart, values), 0)
            let o := qStart
            for {
                let r := qStart
                let rEnd := add(qStart, n)
            } lt(r, rEnd) {
                r := add(r, 32)
            } {
                let v := mload(r)
                // Each 4-byte lane [a b c d] (values < 64) -> a << 18 | b << 12 | c << 6 | d.
                v := or(
                    or(
                        shr(6, and(v, 0xff000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000)),
                        shr(4, and(v, 0x00ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff0000))
                    ),
                    or(
                        shr(2, and(v, 0x0000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff00)),
                        and(v, 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff)
                    )
                )
                // 8 lanes of 24 bits in 32-bit slots -> 192 contiguous bits.
                v := or(
                    shr(8, and(v, 0x00ffffff0000000000ffffff0000000000ffffff0000000000ffffff00000000)),
                    and(v, 0x0000000000ffffff0000000000ffffff0000000000ffffff0000000000ffffff)
                )
                v := or(
                    shr(16, and(v, 0x0000ffffffffffff00000000000000000000ffffffffffff0000000000000000)),
                    and(v, 0x00000000000000000000ffffffffffff00000000000000000000ffffffffffff)
                )
                v := or(
                    shr(32, and(v, 0x00000000ffffffffffffffffffffffff00000000000000000000000000000000)),
                    and(v, 0x0000000000000000000000000000000000000000ffffffffffffffffffffffff)
                )
                mstore(o, shl(64, v))
                o := add(o, 24)
            }
            mstore(data, outLen)
        }
    }

    /// Checks `prefix`, `label`, `-----` and a line end at `c.p`, advancing past each part that matches.
    function _frame(
        bytes memory text,
        Cursor memory c,
        bytes memory prefix,
        bytes memory label
    ) private pure returns (bool) {
        if (!_at(text, c, prefix)) return false;
        if (!_at(text, c, label)) return false;
        if (!_at(text, c, "-----")) return false;
        return _nl(text, c);
    }

    /// @notice The OpenPGP CRC-24 of `data` (RFC 4880 section 6.1).
    function crc24(bytes memory data) internal pure returns (uint256 crc) {
        bytes memory tables = _CRC_TABLES;
        assembly {
            // Entry v of table k is the low 4 bytes of the word read at t0 + 1024 k + 4 v; the bytes above it are
            // never read (only the low 32 bits of x are), and the register's high bits are cleared at the end.
            let t0 := sub(add(tables, 32), 28)
            let t1 := add(t0, 1024)
            let t2 := add(t0, 2048)
            let t3 := add(t0, 3072)
            let t4 := add(t0, 4096)
            let t5 := add(t0, 5120)
            let t6 := add(t0, 6144)
            let t7 := add(t0, 7168)
            crc := 0xb704ce
            let p := add(data, 32)
            let len := mload(data)
            let e := add(p, len)
            for {
                let e8 := sub(e, mod(len, 8))
            } lt(p, e8) {
                p := add(p, 8)
            } {
                let x := xor(shl(40, crc), shr(192, mload(p)))
                crc := xor(
                    xor(
                        xor(mload(add(t7, shl(2, byte(24, x)))), mload(add(t6, shl(2, byte(25, x))))),
                        xor(mload(add(t5, shl(2, byte(26, x)))), mload(add(t4, shl(2, byte(27, x)))))
                    ),
                    xor(
                        xor(mload(add(t3, shl(2, byte(28, x)))), mload(add(t2, shl(2, byte(29, x))))),
                        xor(mload(add(t1, shl(2, byte(30, x)))), mload(add(t0, shl(2, and(x, 0xff)))))
                    )
                )
            }
            for {} lt(p, e) {
                p := add(p, 1)
            } {
                crc := xor(shl(8, crc), mload(add(t0, shl(2, xor(byte(29, crc), byte(0, mload(p)))))))
            }
            crc := and(crc, 0xffffff)
            // The tables were the last allocation and nothing keeps them: their memory is free again.
            mstore(0x40, tables)
        }
    }

    /// Reads the four base64 characters of the checksum line at `text[p..p+4)`: (true, the 24-bit value), or
    /// (false, 0) when they are not four base64 characters.
    function _crcLine(
        bytes memory text,
        uint256 p,
        uint256 end
    ) private pure returns (bool ok, uint256 value) {
        if (p + 4 > end) return (false, 0);
        for (uint256 i = 0; i < 4; ++i) {
            uint256 c = _byteAt(text, p + i);
            uint256 v;
            if (c >= 0x41 && c <= 0x5a) v = c - 0x41;
            else if (c >= 0x61 && c <= 0x7a) v = c - 0x47;
            else if (c >= 0x30 && c <= 0x39) v = c + 4;
            else if (c == 0x2b) v = 62;
            else if (c == 0x2f) v = 63;
            else return (false, 0);
            value = (value << 6) | v;
        }
        return (true, value);
    }

    /// When `text[c.p..)` starts with `lit` (within `c.end`): advances past it and returns true.
    function _at(bytes memory text, Cursor memory c, bytes memory lit) private pure returns (bool r) {
        uint256 len = lit.length;
        uint256 p = c.p;
        if (p + len > c.end) return false;
        assembly {
            r := eq(keccak256(add(add(text, 32), p), len), keccak256(add(lit, 32), len))
        }
        if (r) c.p = p + len;
    }

    /// When a line end (LF, or the two characters `\n` in JSON-escaped armor) is at `c.p`: advances past it and
    /// returns true.
    function _nl(bytes memory text, Cursor memory c) private pure returns (bool) {
        uint256 p = c.p;
        if (c.json) {
            if (p + 2 <= c.end && _byteAt(text, p) == 0x5c && _byteAt(text, p + 1) == 0x6e) {
                c.p = p + 2;
                return true;
            }
            return false;
        }
        if (p < c.end && _byteAt(text, p) == 0x0a) {
            c.p = p + 1;
            return true;
        }
        return false;
    }

    function _byteAt(bytes memory text, uint256 p) private pure returns (uint256 b) {
        assembly {
            b := byte(0, mload(add(add(text, 32), p)))
        }
    }

    function _empty() private pure returns (bytes memory e) {}
}
