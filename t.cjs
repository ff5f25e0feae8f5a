const openpgp = require("openpgp");
(async()=>{
 for (const opt of [{type:'ecc',curve:'nistP256'},{type:'curve25519'},{type:'ecc',curve:'curve25519Legacy'}]) {
  const {privateKey} = await openpgp.generateKey({...opt, userIDs:[{name:'a'}], format:'object', date: new Date(1735689600000)});
  const pub = privateKey.toPublic().write();
  console.log(opt, 'pub len', pub.length, Buffer.from(pub.subarray(0,12)).toString('hex'), privateKey.keyPacket.algorithm, Object.keys(privateKey.keyPacket.privateParams), Object.keys(privateKey.keyPacket.publicParams));
  const digest = new Uint8Array(32).fill(7);
  const sig = await openpgp.sign({message: await openpgp.createMessage({binary: digest}), signingKeys: privateKey, detached: true, format:'binary', signingKeyIDs: privateKey.getKeyID(), config:{preferredHashAlgorithm: openpgp.enums.hash.sha256}});
  console.log('sig', sig.length, Buffer.from(sig).toString('hex'));
  const sig2 = await openpgp.sign({message: await openpgp.createMessage({binary: digest}), signingKeys: privateKey, detached: true, format:'binary'});
  console.log('sig default', sig2.length, Buffer.from(sig2).toString('hex').slice(0,20));
 }
})();
